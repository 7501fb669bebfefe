// `cairn-bench gemm`: this machine's single-precision matrix-product peak
// through the BLAS the layers use (cairn/nn/gemm.h): the best of a few runs of
// an n × n × n sgemm, 2·n³ FLOPs each.
//
//   cairn-bench gemm --threads 1 --n 4096
//   sgemm 4096 x 4096 x 4096, 1 thread (OpenBLAS 0.3.21 (SkylakeX)): 104.2 GFLOP/s (best of 5)
//   cairn-bench gemm --json
//   {"gflops": 180.3, "n": 4096, "threads": 2, "runs": 5, "seconds": [..], "blas": ".."}
#pragma once

#include <iosfwd>

namespace cairn::bench {

struct BenchGemmCommand {
  int threads = 0;  // 0: the default (see cairn/nn/gemm.h)
  int n = 4096;
  int runs = 5;
  bool json = false;
};

// The exit code: 0, or 1 with "cairn-bench gemm: CODE: message" on `err`.
int run_bench_gemm(const BenchGemmCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::bench
