// Converting user tensors to the [samples, features] float rows the model
// trains on, and back.
#pragma once

#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/keras/layers/layer.h"
#include "cairn/nn/matrix.h"

namespace cairn::keras::internal {

// [samples, d1, d2, ...] of any numeric dtype -> [samples, d1*d2*...] float.
// Throws InvalidArgumentError naming `what` for a scalar or a string tensor.
nn::Matrix rows_of(const Tensor& t, const std::string& what);

// The shape of one sample: t's shape without the first dimension.
Shape sample_shape(const Tensor& t);

// The rows `indices` of m.
nn::Matrix gather_rows(const nn::Matrix& m, const std::vector<int64_t>& indices, size_t begin,
                       size_t end);

// m's elements in row-major order as a [rows, m.size() / rows] matrix,
// copied into `out`; returns out (m itself when it is empty). Regroups a
// batch of samples of shape (positions, k) into one row per position, and back.
const nn::Matrix& regroup_rows(const nn::Matrix& m, Eigen::Index rows, nn::Matrix& out);

// [samples, shape...] float32 from rows.
Tensor tensor_of(const nn::Matrix& rows, const Shape& shape);

}  // namespace cairn::keras::internal
