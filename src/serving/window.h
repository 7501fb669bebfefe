// Internal to serving: where a 2-D window (Conv2D's filter, a pool's ksize)
// sits on an NHWC input, from the node's strides, dilations and padding
// attrs as TensorFlow computes them (GetWindowedOutputSize): VALID keeps
// windows inside the input; SAME gives ceil(in / stride) outputs, padding
// the total shortfall with the smaller half before.
//
//   CAIRN_ASSIGN_OR_RETURN(Window2D w, window_2d(ctx, x.shape(), {kh, kw}, false));
//   // output [w.batch, w.rows.out, w.cols.out, channels]
#pragma once

#include <cstdint>

#include "serving/kernel.h"

namespace cairn::serving::internal {

// One spatial axis: input size, output size, window size, stride,
// dilation and the padding before the first window.
struct WindowAxis {
  int64_t in = 0, out = 0, size = 1, stride = 1, dilation = 1, pad_before = 0;
  // The input position of tap `k` of output `o` (may fall in the padding).
  int64_t at(int64_t o, int64_t k) const { return o * stride - pad_before + k * dilation; }
};

struct Window2D {
  int64_t batch = 0, channels = 0;
  WindowAxis rows, cols;
};

// The window of size `kernel` ({rows, cols}) on the rank-4 NHWC `input`,
// from the attrs strides, padding ("SAME"/"VALID"), data_format (NHWC only)
// and, when `dilated`, dilations. INVALID_ARGUMENT naming the node for a bad
// attr or a window larger than a VALID input.
Result<Window2D> window_2d(const KernelContext& ctx, const TensorShape& input,
                           const int64_t (&kernel)[2], bool dilated);

}  // namespace cairn::serving::internal
