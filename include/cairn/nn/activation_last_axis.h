// Activations on the last axis of N-d rows, as Keras applies them: a row of
// [batch, positions * channels] holds `positions` groups of `channels`
// values, and softmax normalizes each group (axis -1), not the whole row.
// Element-wise activations do not care; they run as activate() does.
//
//   nn::activate_last_axis(Activation::kSoftmax, z, /*channels=*/filters, y);
//   nn::activation_backward_last_axis(Activation::kSoftmax, z, y, dy, filters, dz);
#pragma once

#include <cstdint>

#include "cairn/nn/activation.h"

namespace cairn::nn {

// As activate(a, x, y), with softmax over each group of `channels` values
// (x.cols() must be a multiple of it).
void activate_last_axis(Activation a, const Matrix& x, int64_t channels, Matrix& y);
// As activation_backward(a, x, y, dy, dx), with softmax per group.
void activation_backward_last_axis(Activation a, const Matrix& x, const Matrix& y, const Matrix& dy,
                                   int64_t channels, Matrix& dx);

}  // namespace cairn::nn
