#include "cairn/nn/dense.h"

#include "cairn/nn/gemm.h"
#include "cairn/nn/variable_matrix.h"

#include "cairn/core/errors.h"

#include <cassert>
#include <cmath>
#include <utility>

namespace cairn::nn {

Dense::Dense(DenseOptions options) : options_(std::move(options)) {
  // Callers validate their configs; this keeps a bad size from ever
  // becoming an allocation.
  if (options_.input_dim < 1 || options_.units < 1) {
    throw InvalidArgumentError("Dense layer " + options_.name + ": kernel shape [" +
                               std::to_string(options_.input_dim) + ", " +
                               std::to_string(options_.units) + "] needs positive dimensions");
  }
  kernel_ = make_variable(options_.name + "/" + options_.kernel_name,
                          {options_.input_dim, options_.units});
  if (options_.use_bias) {
    bias_ = make_variable(options_.name + "/" + options_.bias_name, {options_.units});
  }
}

void Dense::initialize(std::mt19937_64& rng) {
  // Glorot & Bengio (2010): U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)),
  // drawn in row-major order so a seed gives the same bytes everywhere.
  const double fans = static_cast<double>(options_.input_dim + options_.units);
  const auto limit = static_cast<float>(std::sqrt(6.0 / fans));
  std::uniform_real_distribution<float> uniform(-limit, limit);
  for (float& w : kernel_.value.flat<float>()) w = uniform(rng);
  for (float& b : bias_.value.flat<float>()) b = 0.0f;
}

const Matrix& Dense::forward(const Matrix& x) {
  resize_with_huge_pages(last_x_, x.rows(), x.cols());
  last_x_ = x;
  borrowed_x_ = nullptr;
  return compute(x);
}

const Matrix& Dense::forward_borrowing(const Matrix& x) {
  borrowed_x_ = &x;
  return compute(x);
}

const Matrix& Dense::compute(const Matrix& x) {
  assert(x.cols() == options_.input_dim);
  resize_with_huge_pages(last_z_, x.rows(), options_.units);
  // z = x W + b: the bias is broadcast into z, then the product added to it.
  if (options_.use_bias) last_z_.rowwise() = as_matrix(bias_.value).row(0);
  gemm(x, Op::kNone, as_matrix(kernel_.value), Op::kNone, last_z_, 1.0f,
       options_.use_bias ? 1.0f : 0.0f);
  activate(options_.activation, last_z_, last_y_);
  return last_y_;
}

const Matrix& Dense::backward(const Matrix& dy, const BackwardOptions& options) {
  assert(dy.rows() == last_y_.rows() && dy.cols() == last_y_.cols());
  activation_backward(options_.activation, last_z_, last_y_, dy, last_dz_);
  return backward_linear(last_dz_, options);
}

const Matrix& Dense::backward_linear(const Matrix& dz, const BackwardOptions& options) {
  assert(dz.rows() == last_z_.rows() && dz.cols() == last_z_.cols());
  assert(&dz != &last_dx_);
  if (options.input_gradient) {  // first, while the kernel is as forward() used it
    resize_with_huge_pages(last_dx_, dz.rows(), options_.input_dim);
    gemm(dz, Op::kNone, as_matrix(kernel_.value), Op::kTranspose, last_dx_);  // dx = dz Wᵀ
  }
  if (options.step) {
    gemm(input(), Op::kTranspose, dz, Op::kNone, as_matrix(kernel_.value), -*options.step,
         1.0f);  // W -= step xᵀ dz
  } else {
    gemm(input(), Op::kTranspose, dz, Op::kNone, gradient_of(kernel_));  // dW = xᵀ dz
  }
  if (options_.use_bias) bias_step_or_gradient(dz, options.step);
  static const Matrix kNone;
  return options.input_gradient ? last_dx_ : kNone;
}

// The bias gradient is dz's column sums: applied as a step (b -= step · sum)
// or stored.
void Dense::bias_step_or_gradient(const Matrix& dz, std::optional<float> step) {
  if (step) {
    column_sums(dz, bias_.value.flat<float>(), -*step, 1.0f);
  } else {
    gradient_of(bias_);  // reshaped if a restore changed the bias
    column_sums(dz, bias_.gradient.flat<float>());
  }
}

VariableRefs Dense::variables() {
  VariableRefs refs{&kernel_};
  if (options_.use_bias) refs.push_back(&bias_);
  return refs;
}

}  // namespace cairn::nn
