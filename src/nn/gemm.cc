#include "cairn/nn/gemm.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <vector>

#include "nn/blas_library.h"

namespace cairn::nn {
namespace {

Eigen::Index rows_of(const Eigen::Ref<const Matrix>& m, Op op) {
  return op == Op::kNone ? m.rows() : m.cols();
}
Eigen::Index cols_of(const Eigen::Ref<const Matrix>& m, Op op) {
  return op == Op::kNone ? m.cols() : m.rows();
}

CBLAS_TRANSPOSE cblas_op(Op op) { return op == Op::kNone ? CblasNoTrans : CblasTrans; }

// Row-major leading dimension: the distance between rows, at least 1 for BLAS.
blasint leading(Eigen::Index outer_stride, Eigen::Index cols) {
  return static_cast<blasint>(std::max<Eigen::Index>({outer_stride, cols, 1}));
}

}  // namespace

void gemm(const Eigen::Ref<const Matrix>& a, Op op_a, const Eigen::Ref<const Matrix>& b, Op op_b,
          Eigen::Ref<Matrix> c, float alpha, float beta) {
  const Eigen::Index m = rows_of(a, op_a), k = cols_of(a, op_a), n = cols_of(b, op_b);
  assert(rows_of(b, op_b) == k && "inner dimensions differ");
  assert(c.rows() == m && c.cols() == n && "c does not have the product's shape");
  if (m == 0 || n == 0) return;
  if (k == 0) {  // BLAS leaves c untouched: the empty sum is zero
    if (beta == 0.0f) {
      c.setZero();
    } else {
      c *= beta;
    }
    return;
  }
  internal::blas().sgemm(CblasRowMajor, cblas_op(op_a), cblas_op(op_b), static_cast<blasint>(m),
                         static_cast<blasint>(n), static_cast<blasint>(k), alpha, a.data(),
                         leading(a.outerStride(), a.cols()), b.data(),
                         leading(b.outerStride(), b.cols()), beta, c.data(),
                         leading(c.outerStride(), c.cols()));
}

void column_sums(const Eigen::Ref<const Matrix>& a, std::span<float> out, float alpha, float beta) {
  assert(static_cast<Eigen::Index>(out.size()) == a.cols() && "out does not hold a's columns");
  if (a.cols() == 0) return;
  if (a.rows() == 0) {  // the empty sum
    for (float& v : out) v = beta == 0.0f ? 0.0f : beta * v;
    return;
  }
  thread_local std::vector<float> ones;
  if (ones.size() < static_cast<size_t>(a.rows())) ones.assign(static_cast<size_t>(a.rows()), 1.0f);
  internal::blas().sgemv(CblasRowMajor, CblasTrans, static_cast<blasint>(a.rows()),
                         static_cast<blasint>(a.cols()), alpha, a.data(),
                         leading(a.outerStride(), a.cols()), ones.data(), 1, beta, out.data(), 1);
}

int num_threads() { return internal::blas_threads(); }

void set_num_threads(int n) { internal::set_blas_threads(n); }

const char* blas_description() {
  static const std::string description = [] {
    std::string version = OPENBLAS_VERSION;  // " OpenBLAS 0.3.21 "
    const size_t begin = version.find_first_not_of(' '), end = version.find_last_not_of(' ');
    if (begin != std::string::npos) version = version.substr(begin, end - begin + 1);
    return version + " (" + internal::blas().get_corename() + ")";
  }();
  return description.c_str();
}

}  // namespace cairn::nn
