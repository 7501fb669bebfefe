#include "cairn/nn/rectifiers.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace cairn::nn {

namespace {

// The part of relu above the threshold, as Keras computes it: x > threshold
// passes (relu when the threshold is 0), then the clip to [0, max_value].
float relu_upper(float v, const ReluOptions& o) {
  float a = v > o.threshold ? v : 0.0f;
  if (o.threshold == 0.0f) a = std::max(v, 0.0f);
  if (o.max_value) a = std::clamp(a, 0.0f, *o.max_value);
  return a;
}

float relu_upper_slope(float v, const ReluOptions& o) {
  if (!(v > o.threshold)) return 0.0f;
  if (o.max_value && (v < 0.0f || v > *o.max_value)) return 0.0f;  // clipped
  return 1.0f;
}

}  // namespace

Matrix relu(const Matrix& x, const ReluOptions& o) {
  return x.unaryExpr([&o](float v) {
    return relu_upper(v, o) - o.negative_slope * std::max(o.threshold - v, 0.0f);
  });
}

Matrix relu_backward(const Matrix& x, const Matrix& dy, const ReluOptions& o) {
  return dy.binaryExpr(x, [&o](float g, float v) {
    return g * (relu_upper_slope(v, o) + (v < o.threshold ? o.negative_slope : 0.0f));
  });
}

Matrix elu(const Matrix& x, float alpha) {
  return x.unaryExpr([alpha](float v) { return v > 0.0f ? v : alpha * std::expm1(v); });
}

Matrix elu_backward(const Matrix& x, const Matrix& dy, float alpha) {
  return dy.binaryExpr(
      x, [alpha](float g, float v) { return v > 0.0f ? g : g * alpha * std::exp(v); });
}

Matrix prelu(const Matrix& x, const float* alpha, const std::vector<int64_t>& index) {
  assert(static_cast<size_t>(x.cols()) == index.size());
  Matrix y(x.rows(), x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const float v = x(r, j);
      y(r, j) = v > 0.0f ? v : alpha[index[static_cast<size_t>(j)]] * v;
    }
  }
  return y;
}

PreluGradients prelu_backward(const Matrix& x, const Matrix& dy, const float* alpha,
                              const std::vector<int64_t>& index, size_t slopes) {
  PreluGradients out{.dx = Matrix(x.rows(), x.cols()), .dalpha = std::vector<float>(slopes)};
  std::vector<double> dalpha(slopes, 0.0);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const float v = x(r, j), g = dy(r, j);
      const auto k = static_cast<size_t>(index[static_cast<size_t>(j)]);
      if (v > 0.0f) {
        out.dx(r, j) = g;
      } else {
        out.dx(r, j) = alpha[k] * g;
        dalpha[k] += static_cast<double>(g) * v;
      }
    }
  }
  std::copy(dalpha.begin(), dalpha.end(), out.dalpha.begin());
  return out;
}

Matrix softmax_along(const Matrix& x, const AxisSplit& s) {
  assert(s.outer * s.n * s.inner == x.cols());
  Matrix y(x.rows(), x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index o = 0; o < s.outer; ++o) {
      for (Eigen::Index i = 0; i < s.inner; ++i) {
        const Eigen::Index base = o * s.n * s.inner + i;
        float top = -std::numeric_limits<float>::infinity();
        for (Eigen::Index k = 0; k < s.n; ++k) top = std::max(top, x(r, base + k * s.inner));
        float sum = 0.0f;
        for (Eigen::Index k = 0; k < s.n; ++k) {
          const float e = std::exp(x(r, base + k * s.inner) - top);
          y(r, base + k * s.inner) = e;
          sum += e;
        }
        for (Eigen::Index k = 0; k < s.n; ++k) y(r, base + k * s.inner) /= sum;
      }
    }
  }
  return y;
}

Matrix softmax_along_backward(const Matrix& y, const Matrix& dy, const AxisSplit& s) {
  Matrix dx(y.rows(), y.cols());
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    for (Eigen::Index o = 0; o < s.outer; ++o) {
      for (Eigen::Index i = 0; i < s.inner; ++i) {
        const Eigen::Index base = o * s.n * s.inner + i;
        float dot = 0.0f;  // <dy, y> along the axis
        for (Eigen::Index k = 0; k < s.n; ++k) {
          dot += dy(r, base + k * s.inner) * y(r, base + k * s.inner);
        }
        for (Eigen::Index k = 0; k < s.n; ++k) {
          const Eigen::Index j = base + k * s.inner;
          dx(r, j) = y(r, j) * (dy(r, j) - dot);
        }
      }
    }
  }
  return dx;
}

}  // namespace cairn::nn
