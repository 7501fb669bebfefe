// Kernels that build or rearrange whole tensors: Shape, Size, Rank, Pack,
// Unpack, Fill, Range, Transpose and Tile. All but Range move elements of
// any dtype (strings too) through layout.h.
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>

#include "serving/broadcast.h"
#include "serving/kernel.h"
#include "serving/layout.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// `values` as a tensor of `dtype` (int32 or int64) and `shape`; an int32
// that cannot hold a value is an error.
Result<Tensor> int_tensor(const KernelContext& ctx, DType dtype, const std::vector<int64_t>& values,
                          TensorShape shape) {
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(dtype, std::move(shape)));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::kInt64) {
      out.flat<int64_t>()[i] = values[i];
    } else if (values[i] > std::numeric_limits<int32_t>::max()) {
      return ctx.invalid("value " + std::to_string(values[i]) + " does not fit out_type int32");
    } else {
      out.flat<int32_t>()[i] = static_cast<int32_t>(values[i]);
    }
  }
  return out;
}

Result<DType> index_type(const KernelContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(DType type, ctx.type_attr("out_type", DType::kInt32));
  if (type != DType::kInt32 && type != DType::kInt64) {
    return ctx.invalid("out_type must be int32 or int64");
  }
  return type;
}

Outputs shape(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(DType type, index_type(ctx));
  const std::vector<int64_t>& dims = ctx.inputs[0]->shape().dims();
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         int_tensor(ctx, type, dims, {static_cast<int64_t>(dims.size())}));
  return std::vector<Tensor>{std::move(out)};
}

Outputs size(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(DType type, index_type(ctx));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, int_tensor(ctx, type, {ctx.inputs[0]->num_elements()}, {}));
  return std::vector<Tensor>{std::move(out)};
}

Outputs rank(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         int_tensor(ctx, DType::kInt32, {ctx.inputs[0]->shape().rank()}, {}));
  return std::vector<Tensor>{std::move(out)};
}

// The axis attr of Pack/Unpack, checked against `rank` axes.
Result<int64_t> axis_attr(const KernelContext& ctx, int64_t rank) {
  const tensorflow::AttrValue* a = ctx.attr("axis");
  const int64_t axis = normalize_axis(a == nullptr ? 0 : a->i(), rank);
  if (axis < 0) return ctx.invalid("axis is out of range for rank " + std::to_string(rank));
  return axis;
}

// Stacks the N inputs along a new axis: output chunk (o, i) is input i's
// chunk o, where a chunk is everything after the axis.
Outputs pack(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_at_least(1));
  const Tensor& first = *ctx.inputs[0];
  for (size_t i = 1; i < ctx.inputs.size(); ++i) {
    if (ctx.inputs[i]->dtype() != first.dtype() || !(ctx.inputs[i]->shape() == first.shape())) {
      return ctx.invalid("input " + std::to_string(i) + " " + ctx.inputs[i]->shape().to_string() +
                         " differs from input 0 " + first.shape().to_string());
    }
  }
  CAIRN_ASSIGN_OR_RETURN(int64_t axis, axis_attr(ctx, first.shape().rank() + 1));
  std::vector<int64_t> dims = first.shape().dims();
  const auto n = static_cast<int64_t>(ctx.inputs.size());
  dims.insert(dims.begin() + axis, n);
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(first.dtype(), TensorShape(dims)));
  if (out.num_elements() == 0) return std::vector<Tensor>{std::move(out)};
  int64_t chunk = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < dims.size(); ++d) chunk *= dims[d];
  const int64_t outer = first.num_elements() / chunk;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < n; ++i) {
      copy_elements(*ctx.inputs[static_cast<size_t>(i)], o * chunk, out, (o * n + i) * chunk,
                    chunk);
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

Outputs unpack(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(int64_t axis, axis_attr(ctx, x.shape().rank()));
  const tensorflow::AttrValue* num = ctx.attr("num");
  const int64_t n = x.shape().dim(static_cast<int>(axis));
  if (num == nullptr || num->i() != n) {
    return ctx.invalid("attr num does not match the size " + std::to_string(n) + " of axis " +
                       std::to_string(axis) + " of " + x.shape().to_string());
  }
  std::vector<int64_t> dims = x.shape().dims();
  dims.erase(dims.begin() + axis);
  const TensorShape part(dims);
  const int64_t chunk = part.num_elements() == 0 ? 0 : row_major_strides(x.shape())[axis];
  const int64_t outer = chunk == 0 ? 0 : part.num_elements() / chunk;
  std::vector<Tensor> outputs;
  for (int64_t i = 0; i < n; ++i) {
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), part));
    for (int64_t o = 0; o < outer; ++o)
      copy_elements(x, (o * n + i) * chunk, out, o * chunk, chunk);
    outputs.push_back(std::move(out));
  }
  return outputs;
}

Outputs fill(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, ctx.int_values(0));
  const Tensor& value = *ctx.inputs[1];
  if (value.shape().rank() != 0) {
    return ctx.invalid("value must be a scalar, not " + value.shape().to_string());
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(value.dtype(), TensorShape(std::move(dims))));
  for (int64_t i = 0; i < out.num_elements(); ++i) copy_elements(value, 0, out, i, 1);
  return std::vector<Tensor>{std::move(out)};
}

// The element count of Range(start, limit, delta), or -1 when delta is 0 or
// points away from limit. Integer spans are exact in uint64.
template <typename T>
double range_size(T start, T limit, T delta) {
  if (delta == 0 || (delta > 0 && start > limit) || (delta < 0 && start < limit)) return -1;
  if constexpr (std::is_integral_v<T>) {
    const uint64_t span = delta > 0 ? static_cast<uint64_t>(limit) - static_cast<uint64_t>(start)
                                    : static_cast<uint64_t>(start) - static_cast<uint64_t>(limit);
    const uint64_t step =
        delta > 0 ? static_cast<uint64_t>(delta) : uint64_t{0} - static_cast<uint64_t>(delta);
    return span == 0 ? 0 : static_cast<double>(1 + (span - 1) / step);
  } else {
    return std::ceil(std::abs((static_cast<double>(limit) - start) / delta));
  }
}

Outputs range(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(3));
  const DType dtype = ctx.inputs[0]->dtype();
  for (const Tensor* t : ctx.inputs) {
    if (t->dtype() != dtype || t->shape().rank() != 0) {
      return ctx.invalid("start, limit and delta must be scalars of one dtype");
    }
  }
  return visit_numeric(ctx, dtype, [&]<typename T>() -> Outputs {
    const T start = ctx.inputs[0]->flat<T>()[0], delta = ctx.inputs[2]->flat<T>()[0];
    const double n = range_size(start, ctx.inputs[1]->flat<T>()[0], delta);
    if (!(n >= 0) || n > 9e18) {
      return ctx.invalid("requires delta != 0 pointing from start towards limit");
    }
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(dtype, {static_cast<int64_t>(n)}));
    T value = start;  // accumulated, as TensorFlow's kernel does
    for (T& v : out.flat<T>()) {
      v = value;
      value = wrapping(value, delta, std::plus<>());
    }
    return std::vector<Tensor>{std::move(out)};
  });
}

Outputs transpose(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.int_values(1));
  const int rank = x.shape().rank();
  std::vector<int> axes;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[static_cast<size_t>(p)]) break;
    seen[static_cast<size_t>(p)] = true;
    axes.push_back(static_cast<int>(p));
  }
  if (static_cast<int>(axes.size()) != rank || perm.size() != axes.size()) {
    return ctx.invalid("perm is not a permutation of the " + std::to_string(rank) + " axes of " +
                       x.shape().to_string());
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, permuted(ctx, x, axes));
  return std::vector<Tensor>{std::move(out)};
}

// The output as [m0, d0, m1, d1, ...] reads input index r of each (k, r)
// pair: stride 0 on the repeats.
Outputs tile(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> multiples, ctx.int_values(1));
  if (static_cast<int>(multiples.size()) != x.shape().rank()) {
    return ctx.invalid("multiples has " + std::to_string(multiples.size()) +
                       " values for an input of " + x.shape().to_string());
  }
  const std::vector<int64_t> in_strides = row_major_strides(x.shape());
  std::vector<int64_t> out_dims, walk_dims, walk_strides;
  for (size_t d = 0; d < multiples.size(); ++d) {
    const int64_t m = multiples[d], size = x.shape().dim(static_cast<int>(d));
    int64_t product = 0;
    if (m < 0 || __builtin_mul_overflow(m, size, &product)) {
      return ctx.invalid("bad multiple " + std::to_string(m) + " for axis " + std::to_string(d));
    }
    out_dims.push_back(product);
    walk_dims.insert(walk_dims.end(), {m, size});
    walk_strides.insert(walk_strides.end(), {0, in_strides[d]});
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), TensorShape(out_dims)));
  strided_copy(x, 0, walk_dims, walk_strides, out);
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace

void register_shape_kernels(KernelTable& table) {
  table["Shape"] = shape;
  table["Size"] = size;
  table["Rank"] = rank;
  table["Pack"] = pack;
  table["Unpack"] = unpack;
  table["Fill"] = fill;
  table["Range"] = range;
  table["Transpose"] = transpose;
  table["Tile"] = tile;
}

}  // namespace cairn::serving::internal
