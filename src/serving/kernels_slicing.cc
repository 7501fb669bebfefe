// Kernels that read part of a tensor: StridedSlice (begin, end, ellipsis,
// new-axis and shrink-axis masks, as TensorFlow's ValidateStridedSliceOp
// reads them), Slice, and Gather/GatherV2 (batch_dims 0). Every begin, end
// and index is checked against the input, so no element outside it is read.
#include <algorithm>

#include "serving/kernel.h"
#include "serving/layout.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// What a slice reads of the input, one entry per input axis, and the output
// shape (new axes added, shrunk axes dropped).
struct SliceWalk {
  int64_t offset = 0;
  std::vector<int64_t> dims, strides;  // per input axis
  std::vector<int64_t> out_dims;
};

struct SliceSpec {
  std::vector<int64_t> begin, end, strides;
  int64_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask;
  bool bit(int64_t mask, size_t i) const { return ((mask >> i) & 1) != 0; }
};

// Adds input axis `d` of size `size` read from begin[i] to end[i] by
// strides[i] (masks applied, negative positions counted from the end,
// clamped as Python's slices are) or, when shrunk, at begin[i] only.
Status add_axis(const KernelContext& ctx, const SliceSpec& spec, size_t i, int64_t size,
                int64_t in_stride, SliceWalk& walk) {
  const bool shrink = spec.bit(spec.shrink_mask, i);
  const int64_t step = shrink ? 1 : spec.strides[i];
  int64_t begin = spec.begin[i], end = spec.end[i];
  if (begin < 0) begin += size;  // no overflow: size >= 0
  if (end < 0) end += size;
  if (shrink) {
    if (begin < 0 || begin >= size) {
      return ctx.invalid("slice index " + std::to_string(spec.begin[i]) + " of dimension " +
                         std::to_string(i) + " out of bounds for size " + std::to_string(size));
    }
    end = begin + 1;
  } else {
    // Python's clamping: [0, size] going forward, [-1, size - 1] backward.
    const int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? size : size - 1;
    begin = spec.bit(spec.begin_mask, i) ? (step > 0 ? lo : hi) : std::clamp(begin, lo, hi);
    end = spec.bit(spec.end_mask, i) ? (step > 0 ? hi : lo) : std::clamp(end, lo, hi);
  }
  // Both within [-1, size]: the span cannot overflow; |step| is taken in uint64.
  const int64_t span = step > 0 ? end - begin : begin - end;
  const uint64_t magnitude =
      step > 0 ? static_cast<uint64_t>(step) : uint64_t{0} - static_cast<uint64_t>(step);
  const int64_t count =
      span <= 0 ? 0 : static_cast<int64_t>(1 + (static_cast<uint64_t>(span) - 1) / magnitude);
  if (count > 0) walk.offset += begin * in_stride;
  walk.dims.push_back(count);
  // A stride past the axis only matters for count 1, where it is never used.
  walk.strides.push_back(count > 1 ? step * in_stride : 0);
  if (!shrink) walk.out_dims.push_back(count);
  return ok_status();
}

// Applies the sparse spec to the input's axes: the ellipsis (or, without
// one, the end of the spec) stands for every axis the spec does not name.
Result<SliceWalk> strided_walk(const KernelContext& ctx, const SliceSpec& spec,
                               const TensorShape& shape) {
  const std::vector<int64_t> in_strides = row_major_strides(shape);
  const size_t n = spec.begin.size();
  int64_t named = 0;
  for (size_t i = 0; i < n; ++i) {
    named += !spec.bit(spec.new_axis_mask, i) && !spec.bit(spec.ellipsis_mask, i);
  }
  SliceWalk walk;
  int d = 0;
  const auto whole_axis = [&] {
    walk.dims.push_back(shape.dim(d));
    walk.strides.push_back(in_strides[static_cast<size_t>(d)]);
    walk.out_dims.push_back(shape.dim(d++));
  };
  for (size_t i = 0; i < n; ++i) {
    if (spec.bit(spec.ellipsis_mask, i)) {
      for (int64_t k = named; k < shape.rank(); ++k) whole_axis();
    } else if (spec.bit(spec.new_axis_mask, i)) {
      walk.out_dims.push_back(1);
    } else if (d >= shape.rank()) {
      return ctx.invalid("the slice names more axes than the input " + shape.to_string() + " has");
    } else {
      CAIRN_RETURN_IF_ERROR(
          add_axis(ctx, spec, i, shape.dim(d), in_strides[static_cast<size_t>(d)], walk));
      ++d;
    }
  }
  while (d < shape.rank()) whole_axis();
  return walk;
}

Result<SliceSpec> slice_spec(const KernelContext& ctx) {
  SliceSpec spec;
  CAIRN_ASSIGN_OR_RETURN(spec.begin, ctx.int_values(1));
  CAIRN_ASSIGN_OR_RETURN(spec.end, ctx.int_values(2));
  CAIRN_ASSIGN_OR_RETURN(spec.strides, ctx.int_values(3));
  const auto mask = [&](const char* name) {
    const tensorflow::AttrValue* a = ctx.attr(name);
    return a == nullptr ? int64_t{0} : a->i();
  };
  spec.begin_mask = mask("begin_mask"), spec.end_mask = mask("end_mask");
  spec.ellipsis_mask = mask("ellipsis_mask"), spec.new_axis_mask = mask("new_axis_mask");
  spec.shrink_mask = mask("shrink_axis_mask");
  if (spec.begin.size() != spec.end.size() || spec.begin.size() != spec.strides.size() ||
      spec.begin.size() > 64) {
    return ctx.invalid("begin, end and strides must be vectors of one length (at most 64)");
  }
  if (__builtin_popcountll(static_cast<uint64_t>(spec.ellipsis_mask)) > 1) {
    return ctx.invalid("Multiple ellipses in slice spec not allowed");
  }
  if (std::find(spec.strides.begin(), spec.strides.end(), 0) != spec.strides.end()) {
    return ctx.invalid("strides must be non-zero");
  }
  return spec;
}

Outputs strided_slice(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(4));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(SliceSpec spec, slice_spec(ctx));
  CAIRN_ASSIGN_OR_RETURN(SliceWalk walk, strided_walk(ctx, spec, x.shape()));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), TensorShape(walk.out_dims)));
  strided_copy(x, walk.offset, walk.dims, walk.strides, out);
  return std::vector<Tensor>{std::move(out)};
}

Outputs slice(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(3));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> begin, ctx.int_values(1));
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> size, ctx.int_values(2));
  const int rank = x.shape().rank();
  if (static_cast<int>(begin.size()) != rank || static_cast<int>(size.size()) != rank) {
    return ctx.invalid("begin and size must have one value per axis of " + x.shape().to_string());
  }
  const std::vector<int64_t> in_strides = row_major_strides(x.shape());
  SliceWalk walk;
  for (int d = 0; d < rank; ++d) {
    const auto k = static_cast<size_t>(d);
    const int64_t dim = x.shape().dim(d);
    if (size[k] == -1 && begin[k] >= 0 && begin[k] <= dim) size[k] = dim - begin[k];
    if (begin[k] < 0 || begin[k] > dim || size[k] < 0 || size[k] > dim - begin[k]) {
      return ctx.invalid("begin " + std::to_string(begin[k]) + " and size " +
                         std::to_string(size[k]) + " do not fit axis " + std::to_string(d) +
                         " of " + x.shape().to_string());
    }
    walk.offset += begin[k] * in_strides[k];
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), TensorShape(size)));
  strided_copy(x, walk.offset, size, in_strides, out);
  return std::vector<Tensor>{std::move(out)};
}

// The indices as int64s, each checked to be in [0, limit).
Result<std::vector<int64_t>> checked_indices(const KernelContext& ctx, const Tensor& indices,
                                             int64_t limit) {
  if (indices.dtype() != DType::kInt32 && indices.dtype() != DType::kInt64) {
    return ctx.invalid("indices must be int32 or int64");
  }
  std::vector<int64_t> out(static_cast<size_t>(indices.num_elements()));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] =
        indices.dtype() == DType::kInt32 ? indices.flat<int32_t>()[i] : indices.flat<int64_t>()[i];
    if (out[i] < 0 || out[i] >= limit) {
      return ctx.invalid("indices[" + std::to_string(i) + "] = " + std::to_string(out[i]) +
                         " is not in [0, " + std::to_string(limit) + ")");
    }
  }
  return out;
}

// params[o, indices[j], i] for every outer o, index j and inner i.
Outputs gather_on(const KernelContext& ctx, const Tensor& params, const Tensor& indices,
                  int64_t axis) {
  const int64_t limit = params.shape().dim(static_cast<int>(axis));
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> index, checked_indices(ctx, indices, limit));
  std::vector<int64_t> dims(params.shape().dims().begin(), params.shape().dims().begin() + axis);
  dims.insert(dims.end(), indices.shape().dims().begin(), indices.shape().dims().end());
  dims.insert(dims.end(), params.shape().dims().begin() + axis + 1, params.shape().dims().end());
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(params.dtype(), TensorShape(dims)));
  if (out.num_elements() == 0) return std::vector<Tensor>{std::move(out)};
  const int64_t inner = row_major_strides(params.shape())[static_cast<size_t>(axis)];
  const int64_t outer = out.num_elements() / inner / static_cast<int64_t>(index.size());
  const auto n = static_cast<int64_t>(index.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < n; ++j) {
      copy_elements(params, (o * limit + index[static_cast<size_t>(j)]) * inner, out,
                    (o * n + j) * inner, inner);
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

Outputs gather(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  if (ctx.inputs[0]->shape().rank() < 1) return ctx.invalid("params must be at least a vector");
  return gather_on(ctx, *ctx.inputs[0], *ctx.inputs[1], 0);
}

Outputs gather_v2(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(3));
  const tensorflow::AttrValue* batch_dims = ctx.attr("batch_dims");
  if (batch_dims != nullptr && batch_dims->i() != 0) {
    return ctx.invalid("batch_dims " + std::to_string(batch_dims->i()) +
                       " is not supported (only 0)");
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> axis_value, ctx.int_values(2));
  const Tensor& params = *ctx.inputs[0];
  const int64_t axis =
      axis_value.size() == 1 ? normalize_axis(axis_value[0], params.shape().rank()) : -1;
  if (axis < 0) return ctx.invalid("bad axis for params of " + params.shape().to_string());
  return gather_on(ctx, params, *ctx.inputs[1], axis);
}

}  // namespace

void register_slicing_kernels(KernelTable& table) {
  table["StridedSlice"] = strided_slice;
  table["Slice"] = slice;
  table["Gather"] = gather;
  table["GatherV2"] = gather_v2;
}

}  // namespace cairn::serving::internal
