// Internal to serving: moving a tensor's elements into another's by index,
// for every dtype (strings too), shared by the kernels that rearrange
// tensors (Transpose, Tile, Slice, StridedSlice, Gather, Pack, Einsum).
//
//   // out[i, j] = in[j, i] for a [2, 3] `in` and a [3, 2] `out`:
//   strided_copy(in, 0, {3, 2}, {1, 3}, out);
#pragma once

#include <cstdint>
#include <vector>

#include "cairn/core/tensor.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {

// The row-major strides of `shape` (elements, not bytes).
std::vector<int64_t> row_major_strides(const TensorShape& shape);

// Copies `count` elements from `src` at `from` to `dst` at `to` (same
// dtype; the caller checked both ranges).
void copy_elements(const Tensor& src, int64_t from, Tensor& dst, int64_t to, int64_t count);

// Fills `out` in order: the element at multi-index (i_0, .., i_k) of `dims`
// (whose product is out's element count) is src[offset + sum(i_d *
// strides[d])]. The caller checked that every such index is in range.
void strided_copy(const Tensor& src, int64_t offset, const std::vector<int64_t>& dims,
                  const std::vector<int64_t>& strides, Tensor& out);

// `x` with its axes permuted (output axis d is input axis perm[d]); `perm`
// is a checked permutation of x's axes. The output comes from ctx's budget.
Result<Tensor> permuted(const KernelContext& ctx, const Tensor& x, const std::vector<int>& perm);
// The same for x's elements read as `view` (of x's element count), the
// result given shape `as` (of that count too): Einsum's reshapes.
Result<Tensor> permuted(const KernelContext& ctx, const Tensor& x, const TensorShape& view,
                        const std::vector<int>& perm, const TensorShape& as);

}  // namespace cairn::serving::internal
