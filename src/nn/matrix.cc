#include "cairn/nn/matrix.h"

#include <sys/mman.h>

#include <cassert>
#include <cstdint>
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

constexpr uintptr_t kHugePageBytes = uintptr_t{2} << 20;
constexpr size_t kHugePageMinBytes = size_t{4} << 20;

}  // namespace

void resize_with_huge_pages(Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() == rows && m.cols() == cols) return;
  m.resize(rows, cols);
  const size_t bytes = static_cast<size_t>(m.size()) * sizeof(float);
  if (bytes < kHugePageMinBytes) return;
  // Eigen's buffer comes from malloc, so only the whole 2 MiB pages inside it
  // can be advised; the edges keep small pages.
  const auto start = reinterpret_cast<uintptr_t>(m.data());
  const uintptr_t begin = (start + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const uintptr_t end = (start + bytes) & ~(kHugePageBytes - 1);
  if (end > begin) {
    ::madvise(reinterpret_cast<void*>(begin), end - begin,
              MADV_HUGEPAGE);  // a hint: errors ignored
  }
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
