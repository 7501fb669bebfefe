// Kernels that produce or rearrange tensors without arithmetic: Const,
// Placeholder, PlaceholderWithDefault, VariableV2, Identity, NoOp, Cast,
// ConcatV2, Reshape, ExpandDims, Squeeze, ZerosLike.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "cairn/formats/graph/tensor_proto.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

Outputs constant(const KernelContext& ctx) {
  const tensorflow::AttrValue* value = ctx.attr("value");
  if (value == nullptr) return ctx.invalid("has no attr 'value'");
  // Held to the budget before decoding: a single float_val may stand for a
  // gigabyte of copies.
  auto t = tensor_from_proto(value->tensor(), "value", ctx.budget.remaining());
  if (!t.ok()) return ctx.failed(t.status());
  CAIRN_RETURN_IF_ERROR(ctx.budget.take(t->dtype(), t->shape()).status());
  return std::vector<Tensor>{std::move(*t)};
}

Outputs placeholder(const KernelContext& ctx) {
  return ctx.invalid("was not fed: a value for placeholder '" + ctx.node.name() +
                     "' must be given");
}

Outputs identity(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(*ctx.inputs[0]));
  return std::vector<Tensor>{std::move(out)};
}

Outputs variable(const KernelContext& ctx) {
  auto it = ctx.variables.find(ctx.node.name());
  if (it == ctx.variables.end()) {
    return failed_precondition_error("node '" + ctx.node.name() + "' (" + ctx.node.op() +
                                     "): attempting to use an uninitialized variable (it is "
                                     "not in the SavedModel's variables)");
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(it->second));
  return std::vector<Tensor>{std::move(out)};
}

Outputs no_op(const KernelContext&) { return std::vector<Tensor>{}; }

Outputs zeros_like(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(ctx.inputs[0]->dtype(), ctx.inputs[0]->shape()));
  return std::vector<Tensor>{std::move(out)};
}

// static_cast, except that a float outside an integer type's range (or NaN)
// saturates (NaN becomes 0) instead of being undefined behaviour.
template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To> &&
                !std::is_same_v<To, bool>) {
    if (std::isnan(v)) return To{0};
    if (v <= static_cast<From>(std::numeric_limits<To>::min()))
      return std::numeric_limits<To>::min();
    if (v >= static_cast<From>(std::numeric_limits<To>::max()))
      return std::numeric_limits<To>::max();
  }
  return static_cast<To>(v);
}

// Calls f.template operator()<T>() for the dtypes Cast converts between.
template <typename F>
Outputs visit_castable(const KernelContext& ctx, DType dtype, F&& f) {
  if (dtype == DType::kBool) return f.template operator()<bool>();
  if (dtype == DType::kUint8) return f.template operator()<uint8_t>();
  return visit_numeric(ctx, dtype, std::forward<F>(f));
}

Outputs cast(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(DType to, ctx.type_attr("DstT"));
  return visit_castable(ctx, x.dtype(), [&]<typename From>() -> Outputs {
    return visit_castable(ctx, to, [&]<typename To>() -> Outputs {
      CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(to, x.shape()));
      auto in = x.flat<From>();
      auto dst = out.flat<To>();
      for (size_t i = 0; i < in.size(); ++i) dst[i] = convert<To>(in[i]);
      return std::vector<Tensor>{std::move(out)};
    });
  });
}

Status check_concat(const KernelContext& ctx, size_t n, int64_t axis) {
  const Tensor& first = *ctx.inputs[0];
  if (!is_fixed_width(first.dtype())) return ctx.invalid("cannot concatenate string tensors");
  for (size_t i = 1; i < n; ++i) {
    const Tensor& t = *ctx.inputs[i];
    bool same = t.dtype() == first.dtype() && t.shape().rank() == first.shape().rank();
    for (int d = 0; same && d < t.shape().rank(); ++d) {
      same = d == axis || t.shape().dim(d) == first.shape().dim(d);
    }
    if (!same) {
      return ctx.invalid("input " + std::to_string(i) + " " + t.shape().to_string() +
                         " does not fit input 0 " + first.shape().to_string() + " on axis " +
                         std::to_string(axis));
    }
  }
  return ok_status();
}

// The output shape: the inputs' dims with their sizes on `axis` summed.
Result<TensorShape> concat_shape(const KernelContext& ctx, size_t n, int64_t axis) {
  std::vector<int64_t> dims = ctx.inputs[0]->shape().dims();
  int64_t& sum = dims[static_cast<size_t>(axis)];
  for (size_t i = 1; i < n; ++i) {
    if (__builtin_add_overflow(sum, ctx.inputs[i]->shape().dim(static_cast<int>(axis)), &sum)) {
      return ctx.failed(resource_exhausted_error("the inputs' sizes on axis " +
                                                 std::to_string(axis) + " overflow an int64"));
    }
  }
  return TensorShape(std::move(dims));
}

// Each of the `outer` slices of the output is every input's slice in turn;
// the loop runs only when the output has elements, so `outer` is at most
// their count.
Outputs concat(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_at_least(2));
  const size_t n = ctx.inputs.size() - 1;
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> axis_value, ctx.int_values(n));
  const Tensor& first = *ctx.inputs[0];
  const int64_t axis =
      axis_value.size() == 1 ? normalize_axis(axis_value[0], first.shape().rank()) : -1;
  if (axis < 0) return ctx.invalid("bad axis for inputs of " + first.shape().to_string());
  CAIRN_RETURN_IF_ERROR(check_concat(ctx, n, axis));
  CAIRN_ASSIGN_OR_RETURN(TensorShape shape, concat_shape(ctx, n, axis));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(first.dtype(), shape));
  if (out.num_elements() == 0) return std::vector<Tensor>{std::move(out)};
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape.dim(static_cast<int>(d));
  std::byte* dst = out.data();
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < n; ++i) {
      const size_t chunk = ctx.inputs[i]->byte_size() / static_cast<size_t>(outer);
      if (chunk == 0) continue;
      std::memcpy(dst, ctx.inputs[i]->data() + static_cast<size_t>(o) * chunk, chunk);
      dst += chunk;
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

// Reshape's `dims` with a -1 replaced by what makes `elements` elements, or
// an error; checked arithmetic throughout (the dims come from the graph).
Result<TensorShape> reshape_target(const KernelContext& ctx, std::vector<int64_t> dims,
                                   int64_t elements) {
  const auto bad = [&] {
    return ctx.invalid("cannot reshape " + std::to_string(elements) + " elements to " +
                       TensorShape(dims).to_string());
  };
  auto unknown = std::find(dims.begin(), dims.end(), -1);
  std::vector<int64_t> known = dims;
  if (unknown != dims.end()) known.erase(known.begin() + (unknown - dims.begin()));
  const int64_t product = TensorShape(known).checked_num_elements(elements);
  if (product < 0) return bad();
  if (unknown != dims.end()) {
    if (product == 0 || elements % product != 0) return bad();
    *unknown = elements / product;
  } else if (product != elements) {
    return bad();
  }
  return TensorShape(std::move(dims));
}

Outputs reshape(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, ctx.int_values(1));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(TensorShape shape, reshape_target(ctx, std::move(dims), x.num_elements()));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.reshaped(x, std::move(shape)));
  return std::vector<Tensor>{std::move(out)};
}

Outputs expand_dims(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ctx.int_values(1));
  const Tensor& x = *ctx.inputs[0];
  std::vector<int64_t> dims = x.shape().dims();
  const int64_t at = axis.size() == 1 ? normalize_axis(axis[0], x.shape().rank() + 1) : -1;
  if (at < 0) return ctx.invalid("bad axis for an input of " + x.shape().to_string());
  dims.insert(dims.begin() + at, 1);
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.reshaped(x, TensorShape(dims)));
  return std::vector<Tensor>{std::move(out)};
}

Outputs squeeze(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  const int64_t rank = x.shape().rank();
  std::vector<bool> drop(static_cast<size_t>(rank), false);
  const std::vector<int64_t> axes = ctx.int_list_attr("squeeze_dims");
  for (int64_t a : axes) {
    const int64_t d = normalize_axis(a, rank);
    if (d < 0 || x.shape().dim(static_cast<int>(d)) != 1) {
      return ctx.invalid("cannot squeeze axis " + std::to_string(a) + " of " +
                         x.shape().to_string());
    }
    drop[static_cast<size_t>(d)] = true;
  }
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < rank; ++d) {
    const bool squeezed =
        axes.empty() ? x.shape().dim(static_cast<int>(d)) == 1 : drop[static_cast<size_t>(d)];
    if (!squeezed) dims.push_back(x.shape().dim(static_cast<int>(d)));
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.reshaped(x, TensorShape(dims)));
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace

void register_array_kernels(KernelTable& table) {
  table["Const"] = constant;
  table["Placeholder"] = placeholder;
  table["PlaceholderWithDefault"] = identity;  // the default, when not fed
  table["Identity"] = identity;
  table["StopGradient"] = identity;
  table["Snapshot"] = identity;
  table["VariableV2"] = variable;
  table["Variable"] = variable;
  table["NoOp"] = no_op;
  table["ZerosLike"] = zeros_like;
  table["Cast"] = cast;
  table["ConcatV2"] = concat;
  table["Reshape"] = reshape;
  table["ExpandDims"] = expand_dims;
  table["Squeeze"] = squeeze;
}

}  // namespace cairn::serving::internal
