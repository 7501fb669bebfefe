// OpenBLAS, loaded at the first matrix product instead of with the program.
// Internal to nn (gemm.cc and parallel_ranges.cc are its users).
//
// Linked normally, OpenBLAS starts a thread per core from its library
// constructor, before main(), and every thread maps a 128 MiB work buffer,
// retrying forever when mmap fails: under `ulimit -v 200000` every cairn
// command hung, `inspect` included, at a fork (OpenBLAS's fork handler joins
// its threads) or at exit. So the library is opened with dlopen on first use,
// with no thread; the calling thread's buffer is mapped at once if the
// address space holds it, then as many threads start as fit.
//
//   const internal::Blas& blas = internal::blas();   // may throw, see below
//   blas.sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, ...);
#pragma once

#include <cblas.h>

namespace cairn::nn::internal {

// The OpenBLAS entry points cairn calls, resolved from the loaded library.
struct Blas {
  decltype(&::cblas_sgemm) sgemm;
  decltype(&::cblas_sgemv) sgemv;
  decltype(&::openblas_get_num_threads) get_num_threads;
  decltype(&::openblas_set_num_threads) set_num_threads;
  decltype(&::openblas_get_corename) get_corename;
};

// The library, loaded on the first call (thread-safe). Throws
// ResourceExhaustedError when the address space cannot hold even the calling
// thread's 128 MiB buffer (a virtual-memory limit), FailedPreconditionError
// when libopenblas.so.0 cannot be opened; a later call tries again.
// Threads: OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS when
// set, else one per core, lowered to as many as leave half of the address
// space still free after their buffers and stacks.
const Blas& blas();

// Sets the threads products may use (n < 1 counts as 1). Threads beyond those
// already started are started only while they fit as above; returns the count
// in effect.
int set_blas_threads(int n);

// The threads products may use, as last set (also inside the regions below).
int blas_threads();

// Between enter and leave, products run on the thread that calls them: for
// code that splits work over threads of its own (parallel_ranges.h). Calls
// nest and may come from several threads; the count set before comes back
// when the last region leaves.
void enter_calling_thread_products();
void leave_calling_thread_products();

// Maps the calling thread's OpenBLAS buffer now, so that no product maps it
// later: false when the address space cannot hold it and a stack beside it
// (the thread should then not call products).
bool map_thread_buffer();

}  // namespace cairn::nn::internal
