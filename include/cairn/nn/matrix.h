// The dense float matrix every layer computes with: Eigen, row-major, one
// example per row. Variables are cairn::Tensors (what checkpoints hold) and
// are viewed as matrices without copying.
//
//   cairn::nn::Matrix x(batch, 4);                          // [batch, features]
//   auto w = cairn::nn::as_matrix(kernel_tensor);            // [in, out] view
//   cairn::nn::Matrix y = x * w;
#pragma once

#include <Eigen/Core>

#include "cairn/core/tensor.h"

namespace cairn::nn {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix, Eigen::Aligned64>;
using ConstMatrixMap = Eigen::Map<const Matrix, Eigen::Aligned64>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// A float32 tensor of rank 0, 1 or 2 seen as a matrix ([] is 1 x 1, [n] is
// one row of n). The view borrows the tensor's buffer: valid while the tensor
// lives and is not reassigned.
MatrixMap as_matrix(Tensor& t);
ConstMatrixMap as_matrix(const Tensor& t);

// Resizes m (nothing happens when it already has this shape; the contents are
// then undefined) and, when it is large (4 MiB or more), asks the kernel to
// back it with transparent huge pages before it is first touched: a GEMM
// streaming activations of a 4096-wide layer then misses the TLB far less.
void resize_with_huge_pages(Matrix& m, Eigen::Index rows, Eigen::Index cols);

// A float32 tensor of shape [rows, cols] holding a copy of `m`.
Tensor to_tensor(const Matrix& m);

}  // namespace cairn::nn
