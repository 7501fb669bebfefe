#include "cairn/nn/merge.h"

#include <algorithm>
#include <numeric>

namespace cairn::nn {

void merge_sum(const std::vector<const Matrix*>& xs, float scale, Matrix& out) {
  out = *xs[0];
  for (size_t i = 1; i < xs.size(); ++i) out += *xs[i];
  if (scale != 1.0f) out *= scale;
}

void merge_product(const std::vector<const Matrix*>& xs, Matrix& out) {
  out = *xs[0];
  for (size_t i = 1; i < xs.size(); ++i) out.array() *= xs[i]->array();
}

void merge_product_backward(const std::vector<const Matrix*>& xs, const Matrix& dy,
                            std::vector<Matrix>& grads) {
  for (size_t i = 0; i < xs.size(); ++i) {
    grads[i] = dy;
    for (size_t j = 0; j < xs.size(); ++j) {
      if (j != i) grads[i].array() *= xs[j]->array();
    }
  }
}

void merge_maximum(const std::vector<const Matrix*>& xs, Matrix& out) {
  out = *xs[0];
  for (size_t i = 1; i < xs.size(); ++i) out = out.cwiseMax(*xs[i]);
}

void merge_maximum_backward(const std::vector<const Matrix*>& xs, const Matrix& dy,
                            std::vector<Matrix>& grads) {
  for (Matrix& g : grads) g.setZero(dy.rows(), dy.cols());
  for (Eigen::Index r = 0; r < dy.rows(); ++r) {
    for (Eigen::Index c = 0; c < dy.cols(); ++c) {
      size_t best = 0;
      for (size_t i = 1; i < xs.size(); ++i) {
        if ((*xs[i])(r, c) > (*xs[best])(r, c)) best = i;
      }
      grads[best](r, c) = dy(r, c);
    }
  }
}

void concatenate_blocks(const std::vector<const Matrix*>& xs, int64_t outer,
                        const std::vector<int64_t>& blocks, Matrix& out) {
  const int64_t width = std::accumulate(blocks.begin(), blocks.end(), int64_t{0});
  out.resize(xs[0]->rows(), outer * width);
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    float* dst = out.row(r).data();
    for (int64_t o = 0; o < outer; ++o) {
      for (size_t i = 0; i < xs.size(); ++i) {
        const float* src = xs[i]->row(r).data() + o * blocks[i];
        dst = std::copy(src, src + blocks[i], dst);
      }
    }
  }
}

void split_blocks(const Matrix& y, int64_t outer, const std::vector<int64_t>& blocks,
                  std::vector<Matrix>& parts) {
  parts.resize(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) parts[i].resize(y.rows(), outer * blocks[i]);
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    const float* src = y.row(r).data();
    for (int64_t o = 0; o < outer; ++o) {
      for (size_t i = 0; i < blocks.size(); ++i) {
        std::copy(src, src + blocks[i], parts[i].row(r).data() + o * blocks[i]);
        src += blocks[i];
      }
    }
  }
}

}  // namespace cairn::nn
