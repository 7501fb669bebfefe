#include "cairn/nn/dense.h"

#include <cassert>
#include <cmath>
#include <utility>

namespace cairn::nn {
namespace {

Variable make_variable(std::string name, TensorShape shape) {
  Tensor value(DType::kFloat32, shape);
  return Variable{.name = std::move(name),
                  .value = std::move(value),
                  .gradient = Tensor(DType::kFloat32, std::move(shape))};
}

// The gradient tensor of `v`, reallocated if a restore replaced the value
// with one of another shape.
MatrixMap gradient_of(Variable& v) {
  if (!(v.gradient.shape() == v.value.shape()) || v.gradient.dtype() != DType::kFloat32) {
    v.gradient = Tensor(DType::kFloat32, v.value.shape());
  }
  return as_matrix(v.gradient);
}

}  // namespace

Dense::Dense(DenseOptions options) : options_(std::move(options)) {
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

Matrix Dense::forward(const Matrix& x) {
  assert(x.cols() == options_.input_dim);
  last_x_ = x;
  last_z_ = x * as_matrix(kernel_.value);
  if (options_.use_bias) last_z_.rowwise() += as_matrix(bias_.value).row(0);
  last_y_ = activate(options_.activation, last_z_);
  return last_y_;
}

Matrix Dense::backward(const Matrix& dy) {
  assert(dy.rows() == last_y_.rows() && dy.cols() == last_y_.cols());
  return backward_linear(activation_backward(options_.activation, last_z_, last_y_, dy));
}

Matrix Dense::backward_linear(const Matrix& dz) {
  assert(dz.rows() == last_z_.rows() && dz.cols() == last_z_.cols());
  gradient_of(kernel_).noalias() = last_x_.transpose() * dz;
  if (options_.use_bias) gradient_of(bias_).row(0) = dz.colwise().sum();
  return dz * as_matrix(kernel_.value).transpose();
}

VariableRefs Dense::variables() {
  VariableRefs refs{&kernel_};
  if (options_.use_bias) refs.push_back(&bias_);
  return refs;
}

}  // namespace cairn::nn
