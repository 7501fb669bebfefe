// Element-wise activations, named as Keras names them (and their TensorFlow ops).
//
//   auto a = cairn::nn::activation_from_name("gelu");        // Activation::kGelu
//   cairn::nn::Matrix y = cairn::nn::activate(a, x);
//   cairn::nn::Matrix dx = cairn::nn::activation_backward(a, x, y, dy);
#pragma once

#include <optional>
#include <string_view>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

enum class Activation {
  kLinear,
  kRelu,
  kTanh,
  kSigmoid,
  kElu,
  kSoftmax,
  kGelu,         // x Φ(x), Φ the standard normal CDF (erf form)
  kGeluTanh,     // gelu(approximate=True): 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
  kSwish,        // x sigmoid(x), also named "silu"
  kSoftplus,     // log(1 + exp(x))
  kSoftsign,     // x / (1 + |x|)
  kSelu,         // scale · elu(x, alpha) with Klambauer et al.'s constants
  kHardSigmoid,  // Keras 2's (and TF.js's): clip(0.2 x + 0.5, 0, 1)
  kExponential,  // exp(x)
  kLeakyRelu,    // x for x >= 0, 0.2 x otherwise (Keras 3's and tf.nn's default slope)
};

// Every activation, in enum order (for tests and error messages).
inline constexpr Activation kAllActivations[] = {
    Activation::kLinear,      Activation::kRelu,        Activation::kTanh,
    Activation::kSigmoid,     Activation::kElu,         Activation::kSoftmax,
    Activation::kGelu,        Activation::kGeluTanh,    Activation::kSwish,
    Activation::kSoftplus,    Activation::kSoftsign,    Activation::kSelu,
    Activation::kHardSigmoid, Activation::kExponential, Activation::kLeakyRelu};

// Keras's names: "linear" (or "" / "none"), "relu", "tanh", "sigmoid", "elu",
// "softmax", "gelu", "swish" / "silu", "softplus", "softsign", "selu",
// "hard_sigmoid", "exponential", "leaky_relu"; "gelu_new" (TF.js's name) is
// gelu(approximate=True), which Keras cannot name.
std::optional<Activation> activation_from_name(std::string_view name);
std::string_view activation_name(Activation a);
// The names activation_from_name() accepts, comma-separated (for error messages).
std::string_view activation_names();
// TensorFlow's single op for the activation: "Relu", "Tanh", "Sigmoid", "Elu",
// "Softmax", "Softplus", "Softsign", "Selu", "Exp", "LeakyRelu" (its default
// alpha 0.2); "" for linear and for those TensorFlow composes of several ops
// (gelu, swish, hard_sigmoid).
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

// The same on the calling thread into outputs that already have the inputs'
// shape, such as a block of rows of a larger matrix (softmax per row):
//   activate_rows(a, z.middleRows(first, n), y.middleRows(first, n));
using RowsIn = Eigen::Ref<const Matrix>;
using RowsOut = Eigen::Ref<Matrix>;
void activate_rows(Activation a, const RowsIn& x, RowsOut y);
void activation_backward_rows(Activation a, const RowsIn& x, const RowsIn& y, const RowsIn& dy,
                              RowsOut dx);

}  // namespace cairn::nn
