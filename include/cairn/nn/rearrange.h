// Moving a sample's elements without arithmetic: a permutation of its axes
// (tf.transpose with the batch axis fixed, behind keras::Permute) and
// repeating a vector (behind keras::RepeatVector). Rows hold samples in
// row-major order, as everywhere in cairn::nn.
//
//   cairn::nn::AxisPermutation p({4, 3}, {1, 0});   // (4, 3) -> (3, 4)
//   cairn::nn::Matrix y = p.forward(x);             // [batch, 12] -> [batch, 12]
//   cairn::nn::Matrix dx = p.backward(dy);
//   cairn::nn::Matrix r = cairn::nn::repeat_row_blocks(x, 5);   // [b, n] -> [b, 5 n]
#pragma once

#include <cstdint>
#include <vector>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

class AxisPermutation {
 public:
  // Output axis i is input axis order[i] (0-based). Throws
  // InvalidArgumentError unless order is a permutation of the axes of `shape`.
  AxisPermutation(std::vector<int64_t> shape, std::vector<int> order);

  const std::vector<int64_t>& output_shape() const { return output_shape_; }
  Matrix forward(const Matrix& x) const;    // gathers
  Matrix backward(const Matrix& dy) const;  // scatters

 private:
  std::vector<int64_t> output_shape_;
  std::vector<int64_t> source_;  // per output element, its input element
};

// Each row x_i -> [x_i, x_i, ..., x_i] (`times` copies).
Matrix repeat_row_blocks(const Matrix& x, int64_t times);
// The adjoint: each row's `times` blocks summed, [b, times n] -> [b, n].
Matrix sum_row_blocks(const Matrix& x, int64_t times);

}  // namespace cairn::nn
