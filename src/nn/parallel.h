// Internal to cairn: element-wise work on large arrays split over the matrix
// products' threads (cairn/nn/gemm.h), so the cores OpenBLAS uses for a
// layer's products do not sit idle while the same layer adds its bias or
// applies its activation. Small arrays stay on the calling thread.
//
//   parallel_for(n, [&](size_t begin, size_t end) { for (i = begin; i < end; ++i) ... });
//   parallel_rows(m.rows(), m.cols(), [&](Eigen::Index first, Eigen::Index end) { ... });
//
// The ranges are disjoint; parallel_for's edges are multiples of 16 elements
// (64 bytes of floats), so no two threads write the same cache line.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

#include "cairn/nn/gemm.h"

namespace cairn::nn::internal {

// Below this many elements per thread a thread costs more than it saves.
inline constexpr size_t kMinElementsPerThread = size_t{1} << 18;

inline size_t threads_for(size_t elements) {
  const auto cores = static_cast<size_t>(std::max(num_threads(), 1));
  return std::min(cores, std::max<size_t>(elements / kMinElementsPerThread, 1));
}

// body(begin, end) on `threads` consecutive ranges covering [0, count), whose
// edges are multiples of `align`; the calling thread takes the first.
template <typename Body>
void run_split(size_t count, size_t threads, size_t align, Body&& body) {
  if (threads <= 1) {
    body(size_t{0}, count);
    return;
  }
  const size_t chunk = ((count + threads - 1) / threads + align - 1) / align * align;
  std::vector<std::thread> helpers;
  for (size_t begin = chunk; begin < count; begin += chunk) {
    helpers.emplace_back(
        [&body, begin, end = std::min(count, begin + chunk)] { body(begin, end); });
  }
  body(size_t{0}, std::min(count, chunk));
  for (std::thread& h : helpers) h.join();
}

template <typename Body>
void parallel_for(size_t n, Body&& body) {
  run_split(n, threads_for(n), 16, body);
}

// Over the rows of a rows x cols matrix: body(first_row, end_row).
template <typename Body>
void parallel_rows(Eigen::Index rows, Eigen::Index cols, Body&& body) {
  const auto r = static_cast<size_t>(rows);
  run_split(r, threads_for(r * static_cast<size_t>(cols)), 1, [&](size_t begin, size_t end) {
    body(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end));
  });
}

// Over the columns: body(first_column, end_column), edges multiples of 16.
template <typename Body>
void parallel_columns(Eigen::Index rows, Eigen::Index cols, Body&& body) {
  const auto c = static_cast<size_t>(cols);
  run_split(c, threads_for(static_cast<size_t>(rows) * c), 16, [&](size_t begin, size_t end) {
    body(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end));
  });
}

}  // namespace cairn::nn::internal
