// Internal to serving: numpy broadcasting for the elementwise kernels (the
// arithmetic of kernels_math.cc, comparisons, logical ops, SelectV2).
//
//   CAIRN_ASSIGN_OR_RETURN(auto dims, broadcast_dims(ctx, {&a.shape(), &b.shape()}));
//   BroadcastWalk walk(dims, {&a.shape(), &b.shape()});
//   for (size_t i = 0; i < n; ++i, walk.next()) z[i] = x[walk[0]] + y[walk[1]];
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "cairn/core/tensor.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {

// The output dims of broadcasting `shapes` together as numpy does;
// INVALID_ARGUMENT naming them when two sizes of an axis differ and neither
// is 1.
Result<std::vector<int64_t>> broadcast_dims(const KernelContext& ctx,
                                            const std::vector<const TensorShape*>& shapes);

// Each operand's flat index for the output's elements, in order: an
// odometer over the output's dims with stride 0 on broadcast axes. Built
// only for an output with elements (then no operand has a zero dimension).
class BroadcastWalk {
 public:
  BroadcastWalk(const std::vector<int64_t>& dims, const std::vector<const TensorShape*>& shapes);
  size_t operator[](size_t operand) const { return static_cast<size_t>(offsets_[operand]); }
  void next();

 private:
  std::vector<int64_t> dims_, index_, offsets_;
  std::vector<std::vector<int64_t>> strides_;  // per operand, aligned to dims_
};

// out[i] = op(a[..], b[..]) over the broadcast shape `out` has.
template <typename T, typename U, typename Op>
void apply_broadcast(const Tensor& a, const Tensor& b, Tensor& out, Op op) {
  if (out.num_elements() == 0) return;
  BroadcastWalk walk(out.shape().dims(), {&a.shape(), &b.shape()});
  auto x = a.flat<T>();
  auto y = b.flat<T>();
  auto z = out.flat<U>();
  for (size_t i = 0; i < z.size(); ++i, walk.next()) z[i] = op(x[walk[0]], y[walk[1]]);
}

// Two's-complement arithmetic for integers (no undefined overflow).
template <typename T, typename Op>
T wrapping(T a, T b, Op op) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(op(static_cast<U>(a), static_cast<U>(b)));
  } else {
    return op(a, b);
  }
}

// The type whose arithmetic wraps as T's should: T's unsigned twin for the
// signed integers (same bits, no undefined overflow), T for the rest. An
// Eigen GEMM on integer tensors maps their data as this type.
template <typename T>
struct Wrapping {
  using type = T;
};
template <>
struct Wrapping<int32_t> {
  using type = uint32_t;
};
template <>
struct Wrapping<int64_t> {
  using type = uint64_t;
};

}  // namespace cairn::serving::internal
