// Splitting a layer's per-sample work over the threads matrix products may
// use (gemm.h's num_threads()). The samples are cut into one contiguous range
// per thread; each range runs on its own thread, products included, with
// OpenBLAS on the calling thread meanwhile. The serial work between products
// (im2col, col2im, pooling) then scales with the threads as well, and each
// product stays as large as a range instead of being split again by OpenBLAS.
//
//   const int parts = nn::internal::range_parts(batch);
//   partials.resize(parts);
//   nn::internal::parallel_ranges(batch, [&](int part, Eigen::Index first, Eigen::Index count) {
//     ... samples [first, first + count), scratch partials[part] ...
//   });
//
// The cut depends only on the sample count and num_threads(), never on which
// threads happen to be free: results are the same from run to run. A range
// whose thread could not start (an address-space limit), or a call made while
// another is running or from inside a range, runs on the calling thread.
// Internal to nn.
#pragma once

#include <Eigen/Core>
#include <functional>

namespace cairn::nn::internal {

// The number of ranges parallel_ranges(n, ...) uses: min(n, num_threads()),
// at least 1.
int range_parts(Eigen::Index n);

// Calls fn(part, first, count) for each of range_parts(n) ranges of [0, n),
// part 0 on the calling thread, and returns when all have ended. Rethrows the
// first exception a range threw, after every range ended.
void parallel_ranges(Eigen::Index n,
                     const std::function<void(int, Eigen::Index, Eigen::Index)>& fn);

}  // namespace cairn::nn::internal
