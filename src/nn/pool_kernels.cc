#include "nn/pool_kernels.h"

namespace cairn::nn::internal {

void max_over_window(const MaxWindow& w) {
  const auto c = static_cast<int32_t>(w.channels);
  const auto first = static_cast<int32_t>((w.rows.begin * w.width + w.cols.begin) * w.channels);
  float* __restrict out = w.out;
  int32_t* __restrict arg = w.arg;
  for (int32_t k = 0; k < c; ++k) {
    out[k] = w.sample[first + k];
    arg[k] = first + k;
  }
  for (int64_t h = w.rows.begin; h < w.rows.end; ++h) {
    for (int64_t x = w.cols.begin; x < w.cols.end; ++x) {
      const auto base = static_cast<int32_t>((h * w.width + x) * w.channels);
      if (base == first) continue;
      const float* __restrict in = w.sample + base;
      for (int32_t k = 0; k < c; ++k) {  // branch-free: a compare, then two blends
        const float v = in[k], o = out[k];
        const int32_t a = arg[k];
        const int32_t larger = -static_cast<int32_t>(v > o);  // all ones or zero
        out[k] = o < v ? v : o;
        arg[k] = (a & ~larger) | ((base + k) & larger);
      }
    }
  }
}

}  // namespace cairn::nn::internal
