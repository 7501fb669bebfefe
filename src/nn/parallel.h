// Element-wise work on two cores: for_halves() runs a loop's two halves at
// once, one on the calling thread and one on a helper thread, when products
// may use more than one thread (nn::num_threads()) and the loop is long
// enough to gain. Between products OpenBLAS's threads only wait, so a large
// layer's activations and bias broadcasts would otherwise leave a core idle.
// Internal to src/nn.
//
//   internal::for_halves(n, [&](Eigen::Index begin, Eigen::Index end) {
//     for (Eigen::Index i = begin; i < end; ++i) y[i] = x[i] < 0 ? 0 : x[i];
//   });
#pragma once

#include <Eigen/Core>
#include <functional>

namespace cairn::nn::internal {

// Loops shorter than this run on the calling thread: waking the helper costs
// a few microseconds, the time to stream about a megabyte.
inline constexpr Eigen::Index kMinParallelElements = Eigen::Index{1} << 18;

// Calls fn(begin, end) on disjoint ranges covering [0, n), concurrently when
// n · elements_per_item reaches kMinParallelElements and products may use two
// threads; returns when all have finished. fn must not throw. A call made
// while another thread uses the helper runs inline.
void for_halves(Eigen::Index n, const std::function<void(Eigen::Index, Eigen::Index)>& fn,
                Eigen::Index elements_per_item = 1);

}  // namespace cairn::nn::internal
