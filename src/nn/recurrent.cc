// The sequence loop of nn::Recurrent (recurrent.h): the input projection of
// every step in one GEMM, the steps in order, the weight gradients of every
// step in one GEMM each. The cells' per-step math is in recurrent_cells.cc.
// The inputs are copied time-major in processing order, so each step's
// projections, pre-activations and their gradients are one dense block.
#include "cairn/nn/recurrent.h"
#include "cairn/nn/variable_matrix.h"

#include <limits>

#include "cairn/core/errors.h"
#include "cairn/nn/gemm.h"
#include "nn/recurrent_views.h"

namespace cairn::nn {

using internal::step_rows;

Recurrent::Recurrent(RecurrentOptions options) : options_(std::move(options)) {
  const int64_t d = options_.input_dim, u = options_.units, t = options_.timesteps;
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (d < 1 || u < 1 || t < 1 || d > kMax || u > kMax || t > kMax ||
      gates() * u > kMax / std::max(d, u)) {
    throw InvalidArgumentError("recurrent layer " + options_.name + ": input_dim " +
                               std::to_string(d) + ", units " + std::to_string(u) +
                               " and timesteps " + std::to_string(t) +
                               " must be positive and the weights under 2^31 elements");
  }
  const int64_t gu = gates() * u;
  kernel_ = make_variable(options_.name + "/kernel", {d, gu});
  recurrent_kernel_ = make_variable(options_.name + "/recurrent_kernel", {u, gu});
  if (options_.use_bias) {
    const bool two_rows = options_.cell == CellKind::kGRU && options_.reset_after;
    bias_ = make_variable(options_.name + "/bias", two_rows ? TensorShape{2, gu} : TensorShape{gu});
  }
}

int64_t Recurrent::gates() const {
  switch (options_.cell) {
    case CellKind::kSimpleRNN:
      return 1;
    case CellKind::kLSTM:
      return 4;
    case CellKind::kGRU:
      return 3;
  }
  return 1;
}

VariableRefs Recurrent::variables() {
  VariableRefs out{&kernel_, &recurrent_kernel_};
  if (options_.use_bias) out.push_back(&bias_);
  return out;
}

Eigen::Index Recurrent::time_of(Eigen::Index s) const {
  return options_.go_backwards ? options_.timesteps - 1 - s : s;
}

void Recurrent::project_inputs(const Matrix& x) {
  const Eigen::Index steps = options_.timesteps, d = options_.input_dim;
  resize_with_huge_pages(x_, steps * batch_, d);
  for (Eigen::Index s = 0; s < steps; ++s) {
    x_.middleRows(s * batch_, batch_) = step_rows(x.data(), time_of(s), batch_, steps, d);
  }
  resize_with_huge_pages(z_, steps * batch_, gates() * options_.units);
  gemm(x_, Op::kNone, as_matrix(kernel_.value), Op::kNone, z_);
  if (options_.use_bias) {
    z_.rowwise() += as_matrix(bias_.value).row(0);  // GRU reset_after: row 0 is the input's
  }
}

const Matrix& Recurrent::forward(const Matrix& x, const Matrix* mask, const InitialState& initial) {
  const Eigen::Index steps = options_.timesteps, u = options_.units, gu = gates() * u;
  if (x.cols() != steps * options_.input_dim) {
    throw InvalidArgumentError("recurrent layer " + options_.name + " expects " +
                               std::to_string(steps) + " steps of " +
                               std::to_string(options_.input_dim) + " features per sample, got " +
                               std::to_string(x.cols()) + " values");
  }
  if (mask != nullptr && (mask->rows() != x.rows() || mask->cols() != steps)) {
    throw InvalidArgumentError("recurrent layer " + options_.name + ": the mask is [" +
                               std::to_string(mask->rows()) + ", " + std::to_string(mask->cols()) +
                               "], expected [batch, " + std::to_string(steps) + "]");
  }
  for (const Matrix* state : {initial.h, initial.c}) {
    if (state != nullptr && (state->rows() != x.rows() || state->cols() != u)) {
      throw InvalidArgumentError("recurrent layer " + options_.name +
                                 ": an initial state must be [batch, " + std::to_string(u) + "]");
    }
  }
  batch_ = x.rows();
  if (mask != nullptr) {
    mask_ = *mask;
  } else {
    mask_.resize(0, 0);
  }
  project_inputs(x);
  if (keras_lstm_activations()) {
    a_.resize(0, 0);  // computed over z_ in place
  } else {
    resize_with_huge_pages(a_, steps * batch_, gu);
  }
  resize_with_huge_pages(h_, (steps + 1) * batch_, u);
  if (initial.h != nullptr) {
    h_.topRows(batch_) = *initial.h;
  } else {
    h_.topRows(batch_).setZero();
  }
  if (options_.cell == CellKind::kLSTM) {
    resize_with_huge_pages(c_, (steps + 1) * batch_, u);
    resize_with_huge_pages(tc_, steps * batch_, u);
    if (initial.c != nullptr) {
      c_.topRows(batch_) = *initial.c;
    } else {
      c_.topRows(batch_).setZero();
    }
  }
  if (options_.cell == CellKind::kGRU) {
    if (options_.reset_after) {
      resize_with_huge_pages(m_, steps * batch_, gu);
    } else {
      resize_with_huge_pages(rh_, steps * batch_, u);
    }
  }
  for (Eigen::Index s = 0; s < steps; ++s) step_forward(s);
  if (options_.return_sequences) {
    resize_with_huge_pages(y_, batch_, steps * u);
    for (Eigen::Index s = 0; s < steps; ++s) {
      step_rows(y_.data(), s, batch_, steps, u) = h_.middleRows((s + 1) * batch_, batch_);
    }
  } else {
    y_ = h_.bottomRows(batch_);
  }
  return y_;
}

const Matrix& Recurrent::backward(const Matrix& dy, bool input_gradient) {
  const Eigen::Index steps = options_.timesteps, u = options_.units, gu = gates() * u;
  if (dy.rows() != batch_ || dy.cols() != y_.cols()) {
    throw InvalidArgumentError("recurrent layer " + options_.name +
                               ": the output gradient's shape does not match the last forward()");
  }
  resize_with_huge_pages(dzrec_, steps * batch_, gu);
  if (separate_input_gradient()) resize_with_huge_pages(dzx_, steps * batch_, gu);
  dh_.setZero(batch_, u);
  if (options_.cell == CellKind::kLSTM) dc_.setZero(batch_, u);
  for (Eigen::Index s = steps; s-- > 0;) {
    if (options_.return_sequences) {
      dh_ += step_rows(dy.data(), s, batch_, steps, u);
    } else if (s == steps - 1) {
      dh_ += dy;
    }
    step_backward(s);
  }
  weight_gradients();
  if (!input_gradient) {
    dx_.resize(0, 0);
    return dx_;
  }
  const Eigen::Index d = options_.input_dim;
  resize_with_huge_pages(dx_steps_, steps * batch_, d);
  gemm(input_projection_gradient(), Op::kNone, as_matrix(kernel_.value), Op::kTranspose, dx_steps_);
  resize_with_huge_pages(dx_, batch_, steps * d);
  for (Eigen::Index s = 0; s < steps; ++s) {
    step_rows(dx_.data(), time_of(s), batch_, steps, d) = dx_steps_.middleRows(s * batch_, batch_);
  }
  return dx_;
}

void Recurrent::weight_gradients() {
  const Eigen::Index steps = options_.timesteps, u = options_.units;
  const Matrix& dz_inputs = input_projection_gradient();
  gemm(x_, Op::kTranspose, dz_inputs, Op::kNone, gradient_of(kernel_));
  MatrixMap d_recurrent = gradient_of(recurrent_kernel_);
  const auto h_prev = h_.topRows(steps * batch_);
  if (options_.cell == CellKind::kGRU && !options_.reset_after) {
    // The candidate's recurrent product reads r ⊙ h_{t-1}, the gates' h_{t-1}.
    gemm(h_prev, Op::kTranspose, dzrec_.leftCols(2 * u), Op::kNone, d_recurrent.leftCols(2 * u));
    gemm(rh_, Op::kTranspose, dzrec_.rightCols(u), Op::kNone, d_recurrent.rightCols(u));
  } else {
    gemm(h_prev, Op::kTranspose, dzrec_, Op::kNone, d_recurrent);
  }
  if (!options_.use_bias) return;
  MatrixMap d_bias = gradient_of(bias_);
  column_sums(dz_inputs, {d_bias.data(), static_cast<size_t>(dz_inputs.cols())});
  if (options_.cell == CellKind::kGRU && options_.reset_after) {
    column_sums(dzrec_, {d_bias.data() + dzrec_.cols(), static_cast<size_t>(dzrec_.cols())});
  }
}

}  // namespace cairn::nn
