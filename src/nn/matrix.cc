#include "cairn/nn/matrix.h"

#include "cairn/core/huge_pages.h"

#include <cassert>
#include <utility>

namespace cairn::nn {
namespace {

// Rows and columns of a float32 tensor of rank 0 ([] is 1 x 1), 1 ([n] is
// 1 x n) or 2 ([r, c] is r x c).
std::pair<Eigen::Index, Eigen::Index> matrix_dims(const Tensor& t) {
  assert(t.dtype() == DType::kFloat32);
  const TensorShape& s = t.shape();
  assert(s.rank() <= 2);
  if (s.rank() == 0) return {1, 1};
  if (s.rank() == 1) return {1, s.dim(0)};
  return {s.dim(0), s.dim(1)};
}

}  // namespace

void resize_with_huge_pages(Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() == rows && m.cols() == cols) return;
  m.resize(rows, cols);
  const size_t bytes = static_cast<size_t>(m.size()) * sizeof(float);
  if (bytes < kHugePageMinBytes) return;
  advise_huge_pages(m.data(), bytes);  // Eigen's buffer is malloc's: its whole 2 MiB pages
}

MatrixMap as_matrix(Tensor& t) {
  auto [rows, cols] = matrix_dims(t);
  return MatrixMap(t.flat<float>().data(), rows, cols);
}

ConstMatrixMap as_matrix(const Tensor& t) {
  auto [rows, cols] = matrix_dims(t);
  return ConstMatrixMap(t.flat<float>().data(), rows, cols);
}

Tensor to_tensor(const Matrix& m) {
  Tensor t(DType::kFloat32, TensorShape{m.rows(), m.cols()});
  as_matrix(t) = m;
  return t;
}

}  // namespace cairn::nn
