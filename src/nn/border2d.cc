#include "cairn/nn/border2d.h"

#include <cstring>

namespace cairn::nn {

namespace {

// Calls copy(offset in the inner sample, offset in the outer sample) for each
// inner image row: width * channels consecutive floats on both sides.
template <class Copy>
void for_each_inner_row(const Border2D& b, Copy copy) {
  const int64_t row = b.width * b.channels;
  for (int64_t y = 0; y < b.height; ++y) {
    copy(y * row, ((y + b.top) * b.outer_width() + b.left) * b.channels);
  }
}

}  // namespace

void pad2d(const Border2D& b, const Matrix& inner, Matrix& outer) {
  resize_with_huge_pages(outer, inner.rows(), b.outer_size());
  outer.setZero();
  const size_t bytes = static_cast<size_t>(b.width * b.channels) * sizeof(float);
  for (Eigen::Index n = 0; n < inner.rows(); ++n) {
    const float* from = inner.data() + n * inner.cols();
    float* to = outer.data() + n * outer.cols();
    for_each_inner_row(b,
                       [&](int64_t in, int64_t out) { std::memcpy(to + out, from + in, bytes); });
  }
}

void crop2d(const Border2D& b, const Matrix& outer, Matrix& inner) {
  resize_with_huge_pages(inner, outer.rows(), b.inner_size());
  const size_t bytes = static_cast<size_t>(b.width * b.channels) * sizeof(float);
  for (Eigen::Index n = 0; n < outer.rows(); ++n) {
    const float* from = outer.data() + n * outer.cols();
    float* to = inner.data() + n * inner.cols();
    for_each_inner_row(b,
                       [&](int64_t in, int64_t out) { std::memcpy(to + in, from + out, bytes); });
  }
}

}  // namespace cairn::nn
