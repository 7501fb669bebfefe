#include "cairn/nn/rearrange.h"

#include <algorithm>
#include <string>

#include "cairn/core/errors.h"

namespace cairn::nn {

namespace {

void check_order(const std::vector<int64_t>& shape, const std::vector<int>& order) {
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  bool ok = order.size() == shape.size();
  for (size_t i = 0; ok && i < sorted.size(); ++i) ok = sorted[i] == static_cast<int>(i);
  if (!ok) {
    std::string text;
    for (int a : order) text += (text.empty() ? "" : ", ") + std::to_string(a);
    throw InvalidArgumentError("permutation (" + text + ") is not a permutation of " +
                               std::to_string(shape.size()) + " axes");
  }
}

// Row-major strides of `shape`.
std::vector<int64_t> strides_of(const std::vector<int64_t>& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

}  // namespace

AxisPermutation::AxisPermutation(std::vector<int64_t> shape, std::vector<int> order) {
  check_order(shape, order);
  const std::vector<int64_t> in_strides = strides_of(shape);
  std::vector<int64_t> step;  // input stride of each output axis
  for (int axis : order) {
    output_shape_.push_back(shape[static_cast<size_t>(axis)]);
    step.push_back(in_strides[static_cast<size_t>(axis)]);
  }
  int64_t size = 1;
  for (int64_t d : shape) size *= d;
  source_.resize(static_cast<size_t>(size));
  std::vector<int64_t> index(output_shape_.size(), 0);  // the output element's coordinates
  int64_t from = 0;
  for (int64_t& s : source_) {
    s = from;
    // Advance the coordinates as an odometer, the last axis fastest.
    for (size_t a = index.size(); a-- > 0;) {
      from += step[a];
      if (++index[a] < output_shape_[a]) break;
      from -= step[a] * output_shape_[a];
      index[a] = 0;
    }
  }
}

Matrix AxisPermutation::forward(const Matrix& x) const {
  Matrix y(x.rows(), x.cols());
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    for (size_t i = 0; i < source_.size(); ++i)
      y(b, static_cast<Eigen::Index>(i)) = x(b, source_[i]);
  }
  return y;
}

Matrix AxisPermutation::backward(const Matrix& dy) const {
  Matrix dx(dy.rows(), dy.cols());
  for (Eigen::Index b = 0; b < dy.rows(); ++b) {
    for (size_t i = 0; i < source_.size(); ++i)
      dx(b, source_[i]) = dy(b, static_cast<Eigen::Index>(i));
  }
  return dx;
}

Matrix repeat_row_blocks(const Matrix& x, int64_t times) { return x.replicate(1, times); }

Matrix sum_row_blocks(const Matrix& x, int64_t times) {
  const Eigen::Index n = x.cols() / times;
  Matrix sum = Matrix::Zero(x.rows(), n);
  for (int64_t t = 0; t < times; ++t) sum += x.middleCols(t * n, n);
  return sum;
}

}  // namespace cairn::nn
