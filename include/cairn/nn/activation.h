// Element-wise activations, named as TensorFlow names them (and their graph ops).
//
//   auto a = cairn::nn::activation_from_name("relu");        // Activation::kRelu
//   cairn::nn::Matrix y = cairn::nn::activate(a, x);
//   cairn::nn::Matrix dx = cairn::nn::activation_backward(a, x, y, dy);
#pragma once

#include <optional>
#include <string_view>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

enum class Activation { kLinear, kRelu, kTanh, kSigmoid, kElu, kSoftmax };

// "linear" (or "" / "none"), "relu", "tanh", "sigmoid", "elu", "softmax".
std::optional<Activation> activation_from_name(std::string_view name);
std::string_view activation_name(Activation a);
// TensorFlow's op type for the activation: "Relu", "Tanh", "Sigmoid", "Elu",
// "Softmax"; "" for linear.
std::string_view activation_op(Activation a);

Matrix activate(Activation a, const Matrix& x);
// Gradient wrt the input x, given x, y = activate(a, x) and dL/dy.
// Softmax is row-wise (each row sums to 1).
Matrix activation_backward(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy);

// The same into `y` / `dx`, resized to x's shape (no allocation when they
// already have it, softmax aside); they must not alias the inputs.
void activate(Activation a, const Matrix& x, Matrix& y);
void activation_backward(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy,
                         Matrix& dx);

}  // namespace cairn::nn
