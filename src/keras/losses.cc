#include "keras/losses.h"

#include <cmath>

#include "cairn/core/errors.h"
#include "cairn/nn/losses.h"

namespace cairn::keras::internal {

namespace {

constexpr float kEpsilon = 1e-7f;  // Keras's backend.epsilon()

float scale_of(const nn::Matrix& m) {
  return m.rows() > 0 ? 1.0f / static_cast<float>(m.rows()) : 0.0f;
}

std::vector<int64_t> class_ids(const nn::Matrix& targets) {
  std::vector<int64_t> ids(static_cast<size_t>(targets.rows()));
  for (Eigen::Index i = 0; i < targets.rows(); ++i) {
    ids[static_cast<size_t>(i)] = static_cast<int64_t>(targets(i, 0));
  }
  return ids;
}

nn::Matrix one_hot(const nn::Matrix& targets, Eigen::Index depth) {
  nn::Matrix hot = nn::Matrix::Zero(targets.rows(), depth);
  for (Eigen::Index i = 0; i < targets.rows(); ++i)
    hot(i, static_cast<Eigen::Index>(targets(i, 0))) = 1.0f;
  return hot;
}

// Softmax cross-entropy from logits with dense (one-hot or soft) targets.
LossOutput softmax_ce_from_logits(const nn::Matrix& logits, const nn::Matrix& t) {
  nn::Matrix p = nn::softmax(logits);
  LossOutput out{
      .per_example = Eigen::VectorXf(logits.rows()), .gradient = nn::Matrix(), .fused = true};
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const float max = logits.row(i).maxCoeff();
    const float log_sum = max + std::log((logits.row(i).array() - max).exp().sum());
    out.per_example(i) = (t.row(i).array() * (log_sum - logits.row(i).array())).sum();
  }
  // d/dz of -sum t log softmax(z) = p sum(t) - t.
  out.gradient = (p.array().colwise() * t.rowwise().sum().array()).matrix() - t;
  out.gradient *= scale_of(logits);
  return out;
}

// Keras's categorical_crossentropy on probabilities: normalize rows, clip, -sum t log p.
LossOutput categorical_ce(const nn::Matrix& y, const nn::Matrix& t) {
  LossOutput out{.per_example = Eigen::VectorXf(y.rows()),
                 .gradient = nn::Matrix(y.rows(), y.cols())};
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    const float sum = y.row(i).sum();
    float loss = 0.0f, weighted = 0.0f;
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
      const float p = y(i, j) / sum, clipped = std::clamp(p, kEpsilon, 1.0f - kEpsilon);
      loss -= t(i, j) * std::log(clipped);
      const bool inside = p > kEpsilon && p < 1.0f - kEpsilon;
      out.gradient(i, j) = inside ? -t(i, j) / clipped / sum : 0.0f;
      if (inside) weighted += t(i, j) / clipped * p / sum;
    }
    out.per_example(i) = loss;
    out.gradient.row(i).array() += weighted;  // through the normalization by the row sum
  }
  out.gradient *= scale_of(y);
  return out;
}

LossOutput binary_ce(const nn::Matrix& y, const nn::Matrix* logits, const nn::Matrix& t) {
  const float cols = static_cast<float>(y.cols());
  LossOutput out{.per_example = Eigen::VectorXf(y.rows()),
                 .gradient = nn::Matrix(y.rows(), y.cols()),
                 .fused = logits != nullptr};
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    float loss = 0.0f;
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
      const float z = t(i, j);
      if (logits != nullptr) {
        const float x = (*logits)(i, j);
        loss += std::max(x, 0.0f) - x * z + std::log1p(std::exp(-std::abs(x)));
        out.gradient(i, j) = y(i, j) - z;
      } else {
        const float p = std::clamp(y(i, j), kEpsilon, 1.0f - kEpsilon);
        loss -= z * std::log(p) + (1.0f - z) * std::log(1.0f - p);
        const bool inside = y(i, j) > kEpsilon && y(i, j) < 1.0f - kEpsilon;
        out.gradient(i, j) = inside ? (p - z) / (p * (1.0f - p)) : 0.0f;
      }
    }
    out.per_example(i) = loss / cols;
  }
  out.gradient *= scale_of(y) / cols;
  return out;
}

LossOutput mean_error(const nn::Matrix& y, const nn::Matrix& t, bool squared) {
  const nn::Matrix diff = y - t;
  const float cols = static_cast<float>(y.cols());
  LossOutput out;
  if (squared) {
    out.per_example = diff.rowwise().squaredNorm() / cols;
    out.gradient = diff * (2.0f * scale_of(y) / cols);
  } else {
    out.per_example = diff.cwiseAbs().rowwise().sum() / cols;
    out.gradient = diff.array().sign().matrix() * (scale_of(y) / cols);
  }
  return out;
}

}  // namespace

std::optional<LossKind> loss_from_name(const std::string& name) {
  if (name == "sparse_categorical_crossentropy" || name == "SparseCategoricalCrossentropy") {
    return LossKind::kSparseCategoricalCrossentropy;
  }
  if (name == "categorical_crossentropy" || name == "CategoricalCrossentropy") {
    return LossKind::kCategoricalCrossentropy;
  }
  if (name == "binary_crossentropy" || name == "BinaryCrossentropy")
    return LossKind::kBinaryCrossentropy;
  if (name == "mse" || name == "mean_squared_error" || name == "MeanSquaredError") {
    return LossKind::kMeanSquaredError;
  }
  if (name == "mae" || name == "mean_absolute_error" || name == "MeanAbsoluteError") {
    return LossKind::kMeanAbsoluteError;
  }
  return std::nullopt;
}

std::string loss_name(LossKind kind) {
  switch (kind) {
    case LossKind::kSparseCategoricalCrossentropy:
      return "sparse_categorical_crossentropy";
    case LossKind::kCategoricalCrossentropy:
      return "categorical_crossentropy";
    case LossKind::kBinaryCrossentropy:
      return "binary_crossentropy";
    case LossKind::kMeanSquaredError:
      return "mean_squared_error";
    case LossKind::kMeanAbsoluteError:
      return "mean_absolute_error";
  }
  return "";
}

LossOutput compute_loss(LossKind kind, const nn::Matrix& outputs, const nn::Matrix* preactivation,
                        nn::Activation activation, const nn::Matrix& targets) {
  const bool softmax_logits = preactivation != nullptr && activation == nn::Activation::kSoftmax;
  const bool sigmoid_logits = preactivation != nullptr && activation == nn::Activation::kSigmoid;
  switch (kind) {
    case LossKind::kSparseCategoricalCrossentropy: {
      if (softmax_logits) {
        nn::LossResult r = nn::softmax_cross_entropy(*preactivation, class_ids(targets));
        return LossOutput{.per_example = r.per_example, .gradient = r.gradient, .fused = true};
      }
      return categorical_ce(outputs, one_hot(targets, outputs.cols()));
    }
    case LossKind::kCategoricalCrossentropy:
      return softmax_logits ? softmax_ce_from_logits(*preactivation, targets)
                            : categorical_ce(outputs, targets);
    case LossKind::kBinaryCrossentropy:
      return binary_ce(outputs, sigmoid_logits ? preactivation : nullptr, targets);
    case LossKind::kMeanSquaredError:
      return mean_error(outputs, targets, /*squared=*/true);
    case LossKind::kMeanAbsoluteError:
      return mean_error(outputs, targets, /*squared=*/false);
  }
  throw InternalError("unknown loss");
}

int64_t target_width(LossKind kind, const std::vector<int64_t>& output_shape) {
  if (kind == LossKind::kSparseCategoricalCrossentropy ||
      kind == LossKind::kCategoricalCrossentropy) {
    return output_shape.back();
  }
  int64_t n = 1;
  for (int64_t d : output_shape) n *= d;
  return n;
}

void check_targets(LossKind kind, const nn::Matrix& targets, int64_t output_dim) {
  const auto fail = [&](Eigen::Index row, const std::string& what) {
    throw InvalidArgumentError(loss_name(kind) + ": target row " + std::to_string(row) + " " +
                               what);
  };
  if (kind == LossKind::kSparseCategoricalCrossentropy) {
    if (targets.cols() != 1)
      fail(0, "must be one class id, got " + std::to_string(targets.cols()) + " values");
    for (Eigen::Index i = 0; i < targets.rows(); ++i) {
      const float id = targets(i, 0);
      if (id != std::floor(id) || id < 0 || id >= static_cast<float>(output_dim)) {
        fail(i, "is class " + std::to_string(id) + ", expected an integer in [0, " +
                    std::to_string(output_dim) + ")");
      }
    }
  } else if (targets.cols() != output_dim) {
    fail(0, "has " + std::to_string(targets.cols()) + " values but the model outputs " +
                std::to_string(output_dim));
  }
}

}  // namespace cairn::keras::internal
