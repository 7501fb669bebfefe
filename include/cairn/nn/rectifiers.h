// The parameterized rectifiers of Keras's advanced activation layers, element-wise
// on any rows: ReLU with max_value / negative_slope / threshold, ELU with
// alpha, PReLU with a learned slope per (unshared) position.
//
//   cairn::nn::ReluOptions six{.max_value = 6.0f};
//   cairn::nn::Matrix y = cairn::nn::relu(x, six);
//   cairn::nn::Matrix dx = cairn::nn::relu_backward(x, dy, six);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

// Keras's backend.relu: for x > threshold, x (clipped to max_value);
// otherwise 0; minus negative_slope · (threshold - x) below the threshold.
struct ReluOptions {
  std::optional<float> max_value;
  float negative_slope = 0.0f;
  float threshold = 0.0f;
};
Matrix relu(const Matrix& x, const ReluOptions& options);
Matrix relu_backward(const Matrix& x, const Matrix& dy, const ReluOptions& options);

// x for x > 0, alpha (exp(x) - 1) otherwise.
Matrix elu(const Matrix& x, float alpha);
Matrix elu_backward(const Matrix& x, const Matrix& dy, float alpha);

// PReLU: x for x > 0, alpha[index[j]] · x otherwise, where column j of a row
// uses the slope index[j] (slopes shared along some axes repeat an index).
struct PreluGradients {
  Matrix dx;
  std::vector<float> dalpha;  // one per slope
};
Matrix prelu(const Matrix& x, const float* alpha, const std::vector<int64_t>& index);
PreluGradients prelu_backward(const Matrix& x, const Matrix& dy, const float* alpha,
                              const std::vector<int64_t>& index, size_t slopes);

// Softmax along one axis of each row seen as [outer, n, inner] (row-major):
// every (outer, inner) pair's n values sum to 1.
struct AxisSplit {
  Eigen::Index outer = 1, n = 1, inner = 1;
};
Matrix softmax_along(const Matrix& x, const AxisSplit& split);
// Given y = softmax_along(x) and dL/dy.
Matrix softmax_along_backward(const Matrix& y, const Matrix& dy, const AxisSplit& split);

}  // namespace cairn::nn
