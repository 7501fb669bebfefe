#include "bench/bench_gemm.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_program.h"
#include "cairn/core/tensor.h"
#include "cairn/nn/gemm.h"
#include "cairn/nn/matrix.h"
#include "cli/guarded.h"

namespace cairn::bench {
namespace {

void check(const BenchGemmCommand& cmd) {
  if (cmd.threads < 0) throw InvalidArgumentError("--threads must be at least 1");
  if (cmd.n < 1 || cmd.n > 32768) throw InvalidArgumentError("--n must be in [1, 32768]");
  if (cmd.runs < 1) throw InvalidArgumentError("--runs must be at least 1");
}

// Seconds of each of `runs` products c = a b, after one untimed warm-up. The
// operands are tensors, allocated as a model's weights are (on huge pages when
// large), so the peak gets every advantage training gets.
std::vector<double> time_products(int n, int runs) {
  Tensor ta(DType::kFloat32, {n, n}), tb(DType::kFloat32, {n, n}), tc(DType::kFloat32, {n, n});
  nn::MatrixMap a = nn::as_matrix(ta), b = nn::as_matrix(tb), c = nn::as_matrix(tc);
  a.setRandom();
  b.setRandom();
  nn::gemm(a, nn::Op::kNone, b, nn::Op::kNone, c);
  std::vector<double> seconds;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    nn::gemm(a, nn::Op::kNone, b, nn::Op::kNone, c);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return seconds;
}

}  // namespace

int run_bench_gemm(const BenchGemmCommand& cmd, std::ostream& out, std::ostream& err) {
  return cli::guarded(kProgram, "gemm", err, [&] {
    check(cmd);
    if (cmd.threads > 0) nn::set_num_threads(cmd.threads);
    const std::vector<double> seconds = time_products(cmd.n, cmd.runs);
    const double flops = 2.0 * static_cast<double>(cmd.n) * cmd.n * cmd.n;
    const double gflops = flops / *std::min_element(seconds.begin(), seconds.end()) / 1e9;
    const int threads = nn::num_threads();
    if (cmd.json) {
      nlohmann::ordered_json doc{{"gflops", gflops},   {"n", cmd.n},
                                 {"threads", threads}, {"runs", cmd.runs},
                                 {"seconds", seconds}, {"blas", nn::blas_description()}};
      out << doc.dump() << "\n";
      return;
    }
    char line[200];
    std::snprintf(line, sizeof(line),
                  "sgemm %d x %d x %d, %d threads (%s): %.1f GFLOP/s (best of %d)\n", cmd.n, cmd.n,
                  cmd.n, threads, nn::blas_description(), gflops, cmd.runs);
    out << line;
  });
}

}  // namespace cairn::bench
