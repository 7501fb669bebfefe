// Internal to `cairn-bench` (bench_io.h, bench_sharded_save.h): the
// synthetic model state its checkpoint benchmarks save, and the summary of
// repeated timings they report.
//
//   NamedTensors state = synthetic_state(int64_t{64} << 20, 16);  // 16 float32 tensors, 64 MiB
//   Summary s = summarize({0.52, 0.49, 0.61});                     // median 0.52, min .49, max .61
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "cairn/checkpoint/save_variables.h"

namespace cairn::bench {

struct Summary {
  double median = 0, min = 0, max = 0;
};

// Median, min and max of `values` (not empty).
Summary summarize(std::vector<double> values);

// `count` float32 tensors of `total_bytes` in all (the last takes the rest),
// named bench/layer_NNNNNN/kernel, filled with distinct values.
NamedTensors synthetic_state(int64_t total_bytes, int64_t count);

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cairn::bench
