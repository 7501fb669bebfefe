// The math of merging several [batch, features] matrices into one (the
// functional API's merge layers): element-wise sums, products and maxima,
// and concatenation of blocks within each row, with their backward passes.
//
//   nn::Matrix out;
//   nn::merge_sum({&a, &b}, 0.5f, out);                  // (a + b) / 2
//   nn::concatenate_blocks({&a, &b}, 1, {3, 2}, out);    // rows [a | b]
#pragma once

#include <cstdint>
#include <vector>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

// out = scale · (x1 + x2 + ...). All inputs have one shape.
void merge_sum(const std::vector<const Matrix*>& xs, float scale, Matrix& out);

// out = x1 ⊙ x2 ⊙ ...; grads[i] = dy ⊙ (the product of the other inputs).
void merge_product(const std::vector<const Matrix*>& xs, Matrix& out);
void merge_product_backward(const std::vector<const Matrix*>& xs, const Matrix& dy,
                            std::vector<Matrix>& grads);

// out = max(x1, x2, ...); the gradient of each element goes to the first
// input holding the maximum (TensorFlow's chained tf.maximum), 0 to the others.
void merge_maximum(const std::vector<const Matrix*>& xs, Matrix& out);
void merge_maximum_backward(const std::vector<const Matrix*>& xs, const Matrix& dy,
                            std::vector<Matrix>& grads);

// Each row of input i is `outer` blocks of blocks[i] values; each output row
// is, block by block, input 0's block, input 1's block, ... (a concatenation
// along one axis of a row-major sample). split_blocks is its inverse: it
// fills parts[i] (resized) from the rows of `y`.
void concatenate_blocks(const std::vector<const Matrix*>& xs, int64_t outer,
                        const std::vector<int64_t>& blocks, Matrix& out);
void split_blocks(const Matrix& y, int64_t outer, const std::vector<int64_t>& blocks,
                  std::vector<Matrix>& parts);

}  // namespace cairn::nn
