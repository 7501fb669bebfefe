// Element copies by index: a memcpy per contiguous run for fixed-width
// dtypes, string assignments for strings.
#include "serving/layout.h"

#include <cstring>

namespace cairn::serving::internal {

std::vector<int64_t> row_major_strides(const TensorShape& shape) {
  std::vector<int64_t> strides(static_cast<size_t>(shape.rank()), 1);
  for (int d = shape.rank() - 1; d > 0; --d) {
    strides[static_cast<size_t>(d - 1)] = strides[static_cast<size_t>(d)] * shape.dim(d);
  }
  return strides;
}

void copy_elements(const Tensor& src, int64_t from, Tensor& dst, int64_t to, int64_t count) {
  if (count <= 0) return;
  if (src.dtype() == DType::kString) {
    for (int64_t k = 0; k < count; ++k) {
      dst.strings()[static_cast<size_t>(to + k)] = src.strings()[static_cast<size_t>(from + k)];
    }
    return;
  }
  const size_t width = dtype_size(src.dtype());
  std::memcpy(dst.data() + static_cast<size_t>(to) * width,
              src.data() + static_cast<size_t>(from) * width, static_cast<size_t>(count) * width);
}

// Walks `dims` but its last axis as an odometer; a last axis of stride 1 is
// copied as one run.
void strided_copy(const Tensor& src, int64_t offset, const std::vector<int64_t>& dims,
                  const std::vector<int64_t>& strides, Tensor& out) {
  if (out.num_elements() == 0) return;
  if (dims.empty()) return copy_elements(src, offset, out, 0, 1);
  const size_t last = dims.size() - 1;
  const int64_t run = dims[last], step = strides[last];
  std::vector<int64_t> index(last, 0);
  int64_t from = offset;
  for (int64_t to = 0; to < out.num_elements(); to += run) {
    if (step == 1) {
      copy_elements(src, from, out, to, run);
    } else {
      for (int64_t k = 0; k < run; ++k) copy_elements(src, from + k * step, out, to + k, 1);
    }
    for (size_t d = last; d-- > 0;) {
      from += strides[d];
      if (++index[d] < dims[d]) break;
      from -= strides[d] * dims[d];
      index[d] = 0;
    }
  }
}

Result<Tensor> permuted(const KernelContext& ctx, const Tensor& x, const std::vector<int>& perm) {
  std::vector<int64_t> dims;
  for (int axis : perm) dims.push_back(x.shape().dim(axis));
  return permuted(ctx, x, x.shape(), perm, TensorShape(dims));
}

Result<Tensor> permuted(const KernelContext& ctx, const Tensor& x, const TensorShape& view,
                        const std::vector<int>& perm, const TensorShape& as) {
  const std::vector<int64_t> in_strides = row_major_strides(view);
  std::vector<int64_t> dims, strides;
  for (int axis : perm) {
    dims.push_back(view.dim(axis));
    strides.push_back(in_strides[static_cast<size_t>(axis)]);
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), as));
  strided_copy(x, 0, dims, strides, out);
  return out;
}

}  // namespace cairn::serving::internal
