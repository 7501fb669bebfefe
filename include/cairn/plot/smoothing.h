// TensorBoard's scalar smoothing: the exponential moving average its
// "Smoothing" slider applies, debiased so the first points are not pulled
// towards zero.
//
//   std::vector<double> smooth = cairn::smooth_like_tensorboard({1, 2, 3}, 0.6);
//   // {1, 1.625, 2.2...}: each point is (last*w + (1-w)*v) / (1 - w^n)
//
// The rule, as TensorBoard's classic smoothing states it: with weight w
// (clamped to [0, 1]; a non-finite weight is 0), `last` starts at 0 and for
// each finite value v, with n the number of finite values so far,
//   last = last * w + (1 - w) * v;   smoothed = last / (1 - w^n)
// (no division when w is 1). A non-finite value (NaN, +-inf) is passed
// through unchanged and does not count. A constant series is returned as is.
#pragma once

#include <span>
#include <vector>

namespace cairn {

// The smoothed `values`, one per value, in order.
std::vector<double> smooth_like_tensorboard(std::span<const double> values, double weight);

}  // namespace cairn
