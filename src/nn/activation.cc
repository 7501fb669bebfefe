#include "cairn/nn/activation.h"

#include <cmath>

#include "cairn/nn/losses.h"

namespace cairn::nn {

std::optional<Activation> activation_from_name(std::string_view name) {
  if (name.empty() || name == "linear" || name == "none") return Activation::kLinear;
  if (name == "relu") return Activation::kRelu;
  if (name == "tanh") return Activation::kTanh;
  if (name == "sigmoid") return Activation::kSigmoid;
  if (name == "elu") return Activation::kElu;
  if (name == "softmax") return Activation::kSoftmax;
  return std::nullopt;
}

std::string_view activation_name(Activation a) {
  switch (a) {
    case Activation::kLinear:
      return "linear";
    case Activation::kRelu:
      return "relu";
    case Activation::kTanh:
      return "tanh";
    case Activation::kSigmoid:
      return "sigmoid";
    case Activation::kElu:
      return "elu";
    case Activation::kSoftmax:
      return "softmax";
  }
  return "linear";
}

std::string_view activation_op(Activation a) {
  switch (a) {
    case Activation::kLinear:
      return "";
    case Activation::kRelu:
      return "Relu";
    case Activation::kTanh:
      return "Tanh";
    case Activation::kSigmoid:
      return "Sigmoid";
    case Activation::kElu:
      return "Elu";
    case Activation::kSoftmax:
      return "Softmax";
  }
  return "";
}

namespace {

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

}  // namespace

void activate(Activation a, const Matrix& x, Matrix& y) {
  resize_with_huge_pages(y, x.rows(), x.cols());
  auto v = x.array();
  switch (a) {
    case Activation::kLinear:
      y = x;
      return;
    case Activation::kRelu:
      relu(x.data(), y.data(), x.size());
      return;
    case Activation::kTanh:
      y.array() = v.tanh();
      return;
    case Activation::kSigmoid:
      y.array() = 1.0f / (1.0f + (-v).exp());
      return;
    case Activation::kElu:  // alpha = 1: x for x > 0, exp(x) - 1 otherwise
      y.array() = v.unaryExpr([](float e) { return e > 0.0f ? e : std::expm1(e); });
      return;
    case Activation::kSoftmax:
      y = softmax(x);
      return;
  }
}

void activation_backward(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy,
                         Matrix& dx) {
  resize_with_huge_pages(dx, dy.rows(), dy.cols());
  auto g = dy.array();
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
      dx.array() = (x.array() > 0.0f).select(g, g * (y.array() + 1.0f));
      return;
    case Activation::kSoftmax: {  // dx = y * (dy - <dy, y>) per row
      Eigen::VectorXf dot = (g * y.array()).rowwise().sum();
      dx.array() = y.array() * (g.colwise() - dot.array());
      return;
    }
  }
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
