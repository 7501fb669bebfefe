// Matrix products on the CPU's fast kernels: single-precision GEMM through
// OpenBLAS, which picks its kernels for the CPU it runs on (SSE2 to AVX-512)
// while cairn itself is compiled for baseline x86-64. Dense layers run their
// forward and backward products through gemm(); `cairn-bench gemm` measures it.
//
//   cairn::nn::Matrix y(x.rows(), w.cols());
//   cairn::nn::gemm(x, cairn::nn::Op::kNone, w, cairn::nn::Op::kNone, y);   // y = x w
//   cairn::nn::gemm(x, Op::kTranspose, dz, Op::kNone, dw);                  // dw = xᵀ dz
//   cairn::nn::gemm(dz, Op::kNone, w, Op::kTranspose, dx);                  // dx = dz wᵀ
//   cairn::nn::set_num_threads(1);   // products on the calling thread only
//
// Threads: OpenBLAS's pool. Its size is OPENBLAS_NUM_THREADS (or
// OMP_NUM_THREADS) when set in the environment, else one thread per core;
// set_num_threads() changes it for the whole process. Products too small to
// gain from threads (m·n·k up to 262144) always run on the calling thread.
//
// Memory: OpenBLAS is loaded at the first product, not with the program, and
// each of its threads maps a 128 MiB buffer. Threads start only while their
// buffers leave half of the address space free; the first product throws
// ResourceExhaustedError when not even the calling thread's buffer fits
// (a virtual-memory limit such as `ulimit -v`).
#pragma once

#include <span>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

enum class Op { kNone, kTranspose };

// c = alpha · op(a) · op(b) + beta · c, for row-major float matrices or blocks
// of them (rows contiguous). c must already have the product's shape; with
// beta == 0 its old contents are ignored (NaNs included). Shapes are checked
// with assert().
void gemm(const Eigen::Ref<const Matrix>& a, Op op_a, const Eigen::Ref<const Matrix>& b, Op op_b,
          Eigen::Ref<Matrix> c, float alpha = 1.0f, float beta = 0.0f);

// out = alpha · (the sum of a's rows) + beta · out, where out holds a.cols()
// floats: a bias gradient from a batch of output gradients. Runs as a BLAS
// matrix-vector product (threaded, and contiguous in a's rows, where Eigen's
// colwise().sum() of a row-major matrix strides down the columns).
void column_sums(const Eigen::Ref<const Matrix>& a, std::span<float> out, float alpha = 1.0f,
                 float beta = 0.0f);

// The number of threads products may use, and setting it (n >= 1; values
// above OpenBLAS's build limit, or above what the address space holds, are
// clamped to it).
int num_threads();
void set_num_threads(int n);

// The BLAS and the kernels it chose for this CPU, e.g. "OpenBLAS 0.3.21 (SkylakeX)".
const char* blas_description();

}  // namespace cairn::nn
