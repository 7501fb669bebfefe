// Embedding lookups: rows of a [input_dim, output_dim] table picked by ids,
// as tf.nn.embedding_lookup, and the table's gradient (rows summed per id).
// Ids arrive as floats in a model's rows; each must be a whole number in
// [0, input_dim).
//
//   cairn::nn::Matrix ids{{1, 4, 0}};                  // [batch, ids per sample]
//   cairn::nn::Matrix y;                                 // [batch, 3 · output_dim]
//   cairn::nn::embedding_lookup(table, ids, y, "embedding");
//   cairn::nn::embedding_gradient(ids, dy, d_table);     // d_table: [input_dim, output_dim]
#pragma once

#include <string>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

// out[b, i·D : (i+1)·D] = table[ids[b, i]]. Throws InvalidArgumentError
// naming `layer`, the position and the id when an id is not in [0, rows).
void embedding_lookup(const Eigen::Ref<const Matrix>& table, const Matrix& ids, Matrix& out,
                      const std::string& layer);

// d_table = Σ over positions of dy's row block for that position's id
// (ids already checked by embedding_lookup).
void embedding_gradient(const Matrix& ids, const Matrix& dy, Eigen::Ref<Matrix> d_table);

}  // namespace cairn::nn
