// Keras's metrics: "accuracy" resolved as Model.compile resolves it, and the
// per-example values the epoch means are made of.
#include <cmath>

#include "cairn/core/errors.h"
#include "keras/losses.h"

namespace cairn::keras::internal {

namespace {

Eigen::Index arg_max(const nn::Matrix& m, Eigen::Index row) {
  Eigen::Index best = 0;
  m.row(row).maxCoeff(&best);
  return best;
}

}  // namespace

Metric resolve_metric(const std::string& name, LossKind loss, int64_t output_dim) {
  if (name == "accuracy" || name == "acc") {
    MetricKind kind = MetricKind::kCategoricalAccuracy;
    if (loss == LossKind::kSparseCategoricalCrossentropy)
      kind = MetricKind::kSparseCategoricalAccuracy;
    if (loss == LossKind::kBinaryCrossentropy || output_dim == 1)
      kind = MetricKind::kBinaryAccuracy;
    return {name, kind};
  }
  if (name == "sparse_categorical_accuracy") return {name, MetricKind::kSparseCategoricalAccuracy};
  if (name == "categorical_accuracy") return {name, MetricKind::kCategoricalAccuracy};
  if (name == "binary_accuracy") return {name, MetricKind::kBinaryAccuracy};
  if (name == "mse" || name == "mean_squared_error") return {name, MetricKind::kMeanSquaredError};
  if (name == "mae" || name == "mean_absolute_error") return {name, MetricKind::kMeanAbsoluteError};
  throw InvalidArgumentError("unsupported metric '" + name +
                             "' (cairn has accuracy, sparse_categorical_accuracy, "
                             "categorical_accuracy, binary_accuracy, mse, mae)");
}

Eigen::VectorXf metric_values(MetricKind kind, const nn::Matrix& y, const nn::Matrix& t) {
  Eigen::VectorXf v(y.rows());
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    switch (kind) {
      case MetricKind::kSparseCategoricalAccuracy:
        v(i) = static_cast<float>(arg_max(y, i)) == t(i, 0) ? 1.0f : 0.0f;
        break;
      case MetricKind::kCategoricalAccuracy:
        v(i) = arg_max(y, i) == arg_max(t, i) ? 1.0f : 0.0f;
        break;
      case MetricKind::kBinaryAccuracy:
        v(i) = ((y.row(i).array() > 0.5f).cast<float>() == t.row(i).array()).cast<float>().mean();
        break;
      case MetricKind::kMeanSquaredError:
        v(i) = (y.row(i) - t.row(i)).squaredNorm() / static_cast<float>(y.cols());
        break;
      case MetricKind::kMeanAbsoluteError:
        v(i) = (y.row(i) - t.row(i)).cwiseAbs().sum() / static_cast<float>(y.cols());
        break;
    }
  }
  return v;
}

}  // namespace cairn::keras::internal
