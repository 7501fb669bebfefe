// Dense: a fully connected layer, y = activation(x · kernel + bias), with
// TensorFlow's default initialisers (Glorot-uniform kernel, zero bias) and
// TensorFlow's variable names: "<name>/kernel" [in, units], "<name>/bias" [units].
//
//   cairn::nn::Dense layer({.name = "dnn/hiddenlayer_0", .input_dim = 4, .units = 10});
//   std::mt19937_64 rng(42);
//   layer.initialize(rng);
//   cairn::nn::Matrix y = layer.forward(x);          // caches x for backward
//   cairn::nn::Matrix dx = layer.backward(dy);       // fills the gradients
//   for (cairn::nn::Variable* v : layer.variables()) optimizer.update(*v);
//   layer.backward(dy, {.input_gradient = false});    // the same without dx (a first layer)
//   layer.backward(dy, {.step = 0.01f});              // and plain SGD applied in place
#pragma once

#include <optional>
#include <random>
#include <string>

#include "cairn/nn/activation.h"
#include "cairn/nn/variable.h"

namespace cairn::nn {

struct DenseOptions {
  std::string name;  // variable scope, e.g. "dnn/hiddenlayer_0" or "dense"
  int64_t input_dim = 0;
  int64_t units = 0;
  Activation activation = Activation::kLinear;
  bool use_bias = true;
  std::string kernel_name = "kernel";  // TF 1.0 estimators used "weights"
  std::string bias_name = "bias";      // TF 1.0 estimators used "biases"
};

struct BackwardOptions {
  // Compute dL/d(input); a model's first layer does not need it (its inputs
  // are data), which saves a third of the layer's work.
  bool input_gradient = true;
  // Plain gradient descent fused into the backward pass: kernel and bias get
  // value -= step · gradient in place (the kernel's gradient product adds
  // straight into the kernel) and their gradient tensors are not written. The
  // input gradient is computed with the kernel as it was before the step.
  std::optional<float> step;
};

class Dense {
 public:
  // Throws InvalidArgumentError unless input_dim and units are positive.
  explicit Dense(DenseOptions options);

  // Glorot-uniform kernel (limit sqrt(6 / (in + out))), zero bias.
  void initialize(std::mt19937_64& rng);

  // [batch, input_dim] -> [batch, units]. Keeps what backward() needs. The
  // result is held by the layer: valid until the next forward().
  const Matrix& forward(const Matrix& x);
  // Like forward(), but keeps a reference to x where forward() keeps a copy:
  // x must stay alive and unchanged until the backward() that follows (as the
  // outputs a keras::Sequential's layers hold do).
  const Matrix& forward_borrowing(const Matrix& x);
  // Given dL/dy of the last forward(), sets each variable's gradient (not
  // accumulated) and returns dL/dx (an empty matrix without input_gradient),
  // held by the layer until the next backward().
  const Matrix& backward(const Matrix& dy, const BackwardOptions& options = {});
  // Like backward(), given dL/dz for z = x W + b, the pre-activation: lets a
  // loss fuse with the activation (softmax cross-entropy from logits).
  const Matrix& backward_linear(const Matrix& dz, const BackwardOptions& options = {});
  // z of the last forward().
  const Matrix& last_preactivation() const { return last_z_; }

  // kernel, then bias (when use_bias).
  VariableRefs variables();
  const DenseOptions& options() const { return options_; }
  Variable& kernel() { return kernel_; }
  Variable& bias() { return bias_; }

 private:
  const Matrix& compute(const Matrix& x);
  void bias_step_or_gradient(const Matrix& dz, std::optional<float> step);
  // The input of the last forward(): its copy, or the caller's matrix.
  const Matrix& input() const { return borrowed_x_ ? *borrowed_x_ : last_x_; }

  DenseOptions options_;
  Variable kernel_;
  Variable bias_;
  Matrix last_x_, last_z_, last_y_;
  const Matrix* borrowed_x_ = nullptr;  // set by forward_borrowing()
  Matrix last_dz_, last_dx_;            // backward()'s results, kept to be reused
};

}  // namespace cairn::nn
