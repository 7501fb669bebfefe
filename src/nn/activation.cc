#include "cairn/nn/activation.h"

#include <array>
#include <cmath>

#include "cairn/nn/losses.h"
#include "nn/parallel_ranges.h"
#include "nn/vector_activations.h"

namespace cairn::nn {

namespace {

struct ActivationInfo {
  Activation activation;
  std::string_view name;  // Keras's
  std::string_view op;    // TensorFlow's single op, "" if none
};

constexpr std::array<ActivationInfo, 15> kInfo{{
    {Activation::kLinear, "linear", ""},
    {Activation::kRelu, "relu", "Relu"},
    {Activation::kTanh, "tanh", "Tanh"},
    {Activation::kSigmoid, "sigmoid", "Sigmoid"},
    {Activation::kElu, "elu", "Elu"},
    {Activation::kSoftmax, "softmax", "Softmax"},
    {Activation::kGelu, "gelu", ""},
    {Activation::kGeluTanh, "gelu_new", ""},
    {Activation::kSwish, "swish", ""},
    {Activation::kSoftplus, "softplus", "Softplus"},
    {Activation::kSoftsign, "softsign", "Softsign"},
    {Activation::kSelu, "selu", "Selu"},
    {Activation::kHardSigmoid, "hard_sigmoid", ""},
    {Activation::kExponential, "exponential", "Exp"},
    {Activation::kLeakyRelu, "leaky_relu", "LeakyRelu"},
}};

const ActivationInfo& info(Activation a) {
  for (const ActivationInfo& i : kInfo) {
    if (i.activation == a) return i;
  }
  return kInfo[0];
}

// SELU's constants (Klambauer et al. 2017), as Keras and TensorFlow round them.
constexpr float kSeluAlpha = 1.6732632423543772848170429916717f;
constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kLeakySlope = 0.2f;
constexpr float kSqrt2OverPi = 0.7978845608028654f;  // √(2/π)
constexpr float kGeluCubic = 0.044715f;

// Branch-free loops over distinct arrays, which the compiler vectorizes
// (Eigen's select() is a loop of branches, mispredicted half the time on
// activations). relu is max(x, 0) as std::max computes it: NaN stays NaN.
void relu(const float* __restrict x, float* __restrict y, Eigen::Index n) {
  for (Eigen::Index i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v < 0.0f ? 0.0f : v;
  }
}

void relu_backward(const float* __restrict x, const float* __restrict dy, float* __restrict dx,
                   Eigen::Index n) {
  for (Eigen::Index i = 0; i < n; ++i) {
    const float g = dy[i];
    dx[i] = x[i] > 0.0f ? g : 0.0f;
  }
}

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

float gelu_tanh_inner(float v) { return kSqrt2OverPi * (v + kGeluCubic * v * v * v); }

// dy/dx of each activation without a closed form in y alone.
float gelu_derivative(float v) {
  const float cdf = 0.5f * (1.0f + std::erf(v * static_cast<float>(M_SQRT1_2)));
  const float pdf = std::exp(-0.5f * v * v) * static_cast<float>(0.5 * M_2_SQRTPI * M_SQRT1_2);
  return cdf + v * pdf;
}

float gelu_tanh_derivative(float v) {
  const float t = std::tanh(gelu_tanh_inner(v));
  return 0.5f * (1.0f + t) +
         0.5f * v * (1.0f - t * t) * kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * v * v);
}

}  // namespace

std::optional<Activation> activation_from_name(std::string_view name) {
  if (name.empty() || name == "none") return Activation::kLinear;
  if (name == "silu") return Activation::kSwish;  // Keras 3's name for swish
  for (const ActivationInfo& i : kInfo) {
    if (i.name == name) return i.activation;
  }
  return std::nullopt;
}

std::string_view activation_name(Activation a) { return info(a).name; }

std::string_view activation_names() {
  return "linear, relu, tanh, sigmoid, elu, softmax, gelu, gelu_new, swish, silu, softplus, "
         "softsign, selu, hard_sigmoid, exponential, leaky_relu";
}

std::string_view activation_op(Activation a) { return info(a).op; }

namespace {

// Matrices of at least this many floats are activated one range of rows per
// thread (parallel_ranges.h); smaller ones are not worth waking a thread.
// Softmax stays whole: Eigen's row reductions vectorize across rows, so a
// row's value would depend (by an ulp) on the ranges' sizes.
constexpr Eigen::Index kRangesFromFloats = Eigen::Index{1} << 16;

template <class Fn>
void for_row_ranges(Activation a, const Matrix& x, Fn fn) {
  if (x.size() < kRangesFromFloats || a == Activation::kSoftmax) return fn(0, x.rows());
  internal::parallel_ranges(x.rows(),
                            [&](int, Eigen::Index first, Eigen::Index count) { fn(first, count); });
}

}  // namespace

void activate_rows(Activation a, const RowsIn& x, RowsOut y) {
  auto v = x.array();
  switch (a) {
    case Activation::kLinear:
      y = x;
      return;
    case Activation::kRelu:
      relu(x.data(), y.data(), x.size());
      return;
    case Activation::kTanh:
      internal::tanh_values(x.data(), y.data(), static_cast<size_t>(x.size()));
      return;
    case Activation::kSigmoid:
      internal::sigmoid_values(x.data(), y.data(), static_cast<size_t>(x.size()));
      return;
    case Activation::kElu:  // alpha = 1: x for x > 0, exp(x) - 1 otherwise
      y.array() = v.unaryExpr([](float e) { return e > 0.0f ? e : std::expm1(e); });
      return;
    case Activation::kSoftmax:
      y = softmax(Matrix(x));
      return;
    case Activation::kGelu:
      y.array() = v.unaryExpr(
          [](float e) { return 0.5f * e * (1.0f + std::erf(e * static_cast<float>(M_SQRT1_2))); });
      return;
    case Activation::kGeluTanh:
      y.array() =
          v.unaryExpr([](float e) { return 0.5f * e * (1.0f + std::tanh(gelu_tanh_inner(e))); });
      return;
    case Activation::kSwish:
      y.array() = v.unaryExpr([](float e) { return e * sigmoid(e); });
      return;
    case Activation::kSoftplus:  // stable: log1p(exp(-|x|)) + max(x, 0)
      y.array() = v.unaryExpr(
          [](float e) { return std::log1p(std::exp(-std::abs(e))) + std::max(e, 0.0f); });
      return;
    case Activation::kSoftsign:
      y.array() = v / (1.0f + v.abs());
      return;
    case Activation::kSelu:
      y.array() = v.unaryExpr(
          [](float e) { return kSeluScale * (e > 0.0f ? e : kSeluAlpha * std::expm1(e)); });
      return;
    case Activation::kHardSigmoid:
      y.array() = (0.2f * v + 0.5f).max(0.0f).min(1.0f);
      return;
    case Activation::kExponential:
      y.array() = v.exp();
      return;
    case Activation::kLeakyRelu:
      y.array() = v.unaryExpr([](float e) { return e >= 0.0f ? e : kLeakySlope * e; });
      return;
  }
}

void activation_backward_rows(Activation a, const RowsIn& x, const RowsIn& y, const RowsIn& dy,
                              RowsOut dx) {
  auto g = dy.array();
  auto v = x.array();
  switch (a) {
    case Activation::kLinear:
      dx = dy;
      return;
    case Activation::kRelu:
      relu_backward(x.data(), dy.data(), dx.data(), dy.size());
      return;
    case Activation::kTanh:  // 1 - tanh^2
      dx.array() = g * (1.0f - y.array().square());
      return;
    case Activation::kSigmoid:  // s (1 - s)
      dx.array() = g * y.array() * (1.0f - y.array());
      return;
    case Activation::kElu:  // exp(x) = y + 1 for x <= 0
      dx.array() = (v > 0.0f).select(g, g * (y.array() + 1.0f));
      return;
    case Activation::kSoftmax: {  // dx = y * (dy - <dy, y>) per row
      Eigen::VectorXf dot = (g * y.array()).rowwise().sum();
      dx.array() = y.array() * (g.colwise() - dot.array());
      return;
    }
    case Activation::kGelu:
      dx.array() = g * v.unaryExpr(&gelu_derivative);
      return;
    case Activation::kGeluTanh:
      dx.array() = g * v.unaryExpr(&gelu_tanh_derivative);
      return;
    case Activation::kSwish:  // s + x s (1 - s)
      dx.array() = g * v.unaryExpr([](float e) {
        const float s = sigmoid(e);
        return s * (1.0f + e * (1.0f - s));
      });
      return;
    case Activation::kSoftplus:  // sigmoid(x)
      dx.array() = g * v.unaryExpr(&sigmoid);
      return;
    case Activation::kSoftsign:  // 1 / (1 + |x|)^2
      dx.array() = g / (1.0f + v.abs()).square();
      return;
    case Activation::kSelu:  // scale alpha exp(x) = y + scale alpha for x <= 0
      dx.array() = (v > 0.0f).select(kSeluScale * g, g * (y.array() + kSeluScale * kSeluAlpha));
      return;
    case Activation::kHardSigmoid:  // 0.2 on the slope, 0 where clipped
      dx.array() = ((v > -2.5f) && (v < 2.5f)).select(0.2f * g, 0.0f);
      return;
    case Activation::kExponential:
      dx.array() = g * y.array();
      return;
    case Activation::kLeakyRelu:
      dx.array() = (v >= 0.0f).select(g, kLeakySlope * g);
      return;
  }
}

void activate(Activation a, const Matrix& x, Matrix& y) {
  resize_with_huge_pages(y, x.rows(), x.cols());
  for_row_ranges(a, x, [&](Eigen::Index first, Eigen::Index count) {
    activate_rows(a, x.middleRows(first, count), y.middleRows(first, count));
  });
}

void activation_backward(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy,
                         Matrix& dx) {
  resize_with_huge_pages(dx, dy.rows(), dy.cols());
  for_row_ranges(a, dy, [&](Eigen::Index first, Eigen::Index count) {
    activation_backward_rows(a, x.middleRows(first, count), y.middleRows(first, count),
                             dy.middleRows(first, count), dx.middleRows(first, count));
  });
}

Matrix activate(Activation a, const Matrix& x) {
  Matrix y;
  activate(a, x, y);
  return y;
}

Matrix activation_backward(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy) {
  Matrix dx;
  activation_backward(a, x, y, dy, dx);
  return dx;
}

}  // namespace cairn::nn
