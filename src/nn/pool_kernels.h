// The inner loop of max pooling, vectorized across channels: each output
// position keeps, per channel, the largest value of its window and where it
// came from (for the gradient). Its own file so that it can be compiled with
// the flags that let GCC vectorize the selects (src/CMakeLists.txt).
// Internal to nn (pooling.cc).
//
//   internal::max_over_window({.sample = x, .width = w, .channels = c, .rows = {0, 2},
//                              .cols = {4, 6}, .out = y, .arg = where});
#pragma once

#include <cstdint>

namespace cairn::nn::internal {

struct MaxWindow {
  const float* sample = nullptr;  // one sample, [height, width, channels]
  int64_t width = 0, channels = 0;
  struct {
    int64_t begin, end;
  } rows{}, cols{};        // the window, clipped to the sample
  float* out = nullptr;    // [channels]: the maxima
  int32_t* arg = nullptr;  // [channels]: each maximum's index in the sample
};

// Ties and NaNs keep the first value in row-major window order (as a strict
// "greater than" scan does); a window of only NaNs gives the first NaN.
// Requires a non-empty window and sample sizes below 2^31.
void max_over_window(const MaxWindow& w);

}  // namespace cairn::nn::internal
