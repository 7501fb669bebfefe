// `cairn bench ARGS...`: runs `cairn-bench ARGS...`, the benchmark program
// built beside `cairn` (bench/, its own program so that `cairn` links none of
// the benchmarks), and returns its exit status; its output is its own.
//
//   cairn bench train --model cnn --threads 1    # = cairn-bench train --model cnn ...
//   cairn bench gemm --json
//
// Without a cairn-bench in the directory of the running `cairn`, a
// NotFoundError names the path looked for and the target that builds it.
#pragma once

#include <string>
#include <vector>

namespace cairn::cli {

// The cairn-bench next to the running program (/proc/self/exe).
std::string bench_program_path();

// Runs bench_program_path() with `args`, waits, and returns its exit status
// (128 + the signal if a signal ended it).
int run_bench_forward(const std::vector<std::string>& args);

}  // namespace cairn::cli
