// Kernels of truth values: the comparisons (Equal, NotEqual, Less,
// LessEqual, Greater, GreaterEqual) and LogicalAnd/LogicalOr with numpy
// broadcasting, LogicalNot, Select/SelectV2, Where (the coordinates of the
// true elements) and Assert, which fails the run when its condition is false.
#include <sstream>

#include "serving/broadcast.h"
#include "serving/kernel.h"
#include "serving/layout.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// Whether Tensor::element_as_double reads `dtype`: bool and visit_real's.
bool has_double_value(DType dtype) {
  return dtype == DType::kBool || dtype == DType::kUint8 || dtype == DType::kInt32 ||
         dtype == DType::kInt64 || dtype == DType::kFloat32 || dtype == DType::kFloat64;
}

// visit_real, bool and string: the dtypes Equal and NotEqual compare.
template <typename F>
Outputs visit_equatable(const KernelContext& ctx, DType dtype, F&& f) {
  if (dtype == DType::kBool) return f.template operator()<bool>();
  if (dtype == DType::kString) return f.template operator()<std::string>();
  return visit_real(ctx, dtype, std::forward<F>(f));
}

enum class Compare { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

template <Compare kOp, typename T>
bool compare(const T& x, const T& y) {
  if constexpr (kOp == Compare::kEqual) return x == y;
  if constexpr (kOp == Compare::kNotEqual) return x != y;
  if constexpr (kOp == Compare::kLess) return x < y;
  if constexpr (kOp == Compare::kLessEqual) return x <= y;
  if constexpr (kOp == Compare::kGreater) return x > y;
  if constexpr (kOp == Compare::kGreaterEqual) return x >= y;
}

// The broadcast bool output of two operands of one dtype.
Result<Tensor> bool_output(const KernelContext& ctx, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    return ctx.invalid("operands differ in dtype: " + std::string(dtype_name(a.dtype())) + " and " +
                       std::string(dtype_name(b.dtype())));
  }
  CAIRN_ASSIGN_OR_RETURN(auto dims, broadcast_dims(ctx, {&a.shape(), &b.shape()}));
  return ctx.output(DType::kBool, TensorShape(std::move(dims)));
}

template <Compare kOp>
Outputs comparison(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& a = *ctx.inputs[0];
  const Tensor& b = *ctx.inputs[1];
  CAIRN_ASSIGN_OR_RETURN(Tensor out, bool_output(ctx, a, b));
  const auto run = [&]<typename T>() -> Outputs {
    if constexpr (std::is_same_v<T, std::string>) {
      if (out.num_elements() == 0) return std::vector<Tensor>{std::move(out)};
      BroadcastWalk walk(out.shape().dims(), {&a.shape(), &b.shape()});
      for (bool& z : out.flat<bool>()) {
        z = compare<kOp>(a.strings()[walk[0]], b.strings()[walk[1]]);
        walk.next();
      }
    } else {
      apply_broadcast<T, bool>(a, b, out, compare<kOp, T>);
    }
    return std::vector<Tensor>{std::move(out)};
  };
  if constexpr (kOp == Compare::kEqual || kOp == Compare::kNotEqual) {
    return visit_equatable(ctx, a.dtype(), run);
  } else {
    return visit_real(ctx, a.dtype(), run);
  }
}

template <bool kAnd>
Outputs logical(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& a = *ctx.inputs[0];
  const Tensor& b = *ctx.inputs[1];
  if (a.dtype() != DType::kBool) return ctx.invalid("needs bool operands");
  CAIRN_ASSIGN_OR_RETURN(Tensor out, bool_output(ctx, a, b));
  apply_broadcast<bool, bool>(a, b, out, [](bool x, bool y) { return kAnd ? x && y : x || y; });
  return std::vector<Tensor>{std::move(out)};
}

Outputs logical_not(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  if (ctx.inputs[0]->dtype() != DType::kBool) return ctx.invalid("needs a bool operand");
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(*ctx.inputs[0]));
  for (bool& v : out.flat<bool>()) v = !v;
  return std::vector<Tensor>{std::move(out)};
}

// out[i] = cond[..] ? x[..] : y[..], cond's shape read as `cond_shape`.
Outputs select_as(const KernelContext& ctx, const TensorShape& cond_shape) {
  const Tensor& cond = *ctx.inputs[0];
  const Tensor& x = *ctx.inputs[1];
  const Tensor& y = *ctx.inputs[2];
  if (cond.dtype() != DType::kBool || x.dtype() != y.dtype()) {
    return ctx.invalid("needs a bool condition and two operands of one dtype");
  }
  const std::vector<const TensorShape*> shapes{&cond_shape, &x.shape(), &y.shape()};
  CAIRN_ASSIGN_OR_RETURN(auto dims, broadcast_dims(ctx, shapes));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), TensorShape(std::move(dims))));
  if (out.num_elements() == 0) return std::vector<Tensor>{std::move(out)};
  BroadcastWalk walk(out.shape().dims(), shapes);
  auto c = cond.flat<bool>();
  for (int64_t i = 0; i < out.num_elements(); ++i, walk.next()) {
    if (c[walk[0]]) {
      copy_elements(x, static_cast<int64_t>(walk[1]), out, i, 1);
    } else {
      copy_elements(y, static_cast<int64_t>(walk[2]), out, i, 1);
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

Outputs select_v2(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(3));
  return select_as(ctx, ctx.inputs[0]->shape());
}

// TensorFlow 1's Select: x and y of one shape; cond of theirs, a scalar, or
// a vector choosing whole rows.
Outputs select(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(3));
  const TensorShape& c = ctx.inputs[0]->shape();
  const TensorShape& x = ctx.inputs[1]->shape();
  if (!(x == ctx.inputs[2]->shape())) {
    return ctx.invalid("x " + x.to_string() + " and y " + ctx.inputs[2]->shape().to_string() +
                       " must have one shape");
  }
  if (c == x || c.rank() == 0) return select_as(ctx, c);
  if (c.rank() == 1 && x.rank() >= 1 && c.dim(0) == x.dim(0)) {
    std::vector<int64_t> rows(static_cast<size_t>(x.rank()), 1);
    rows[0] = c.dim(0);
    return select_as(ctx, TensorShape(rows));
  }
  return ctx.invalid("condition " + c.to_string() + " does not fit operands of " + x.to_string());
}

// The [count, rank] int64 coordinates of the non-zero elements, in order.
Outputs where(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  if (!has_double_value(x.dtype())) return ctx.invalid("needs a numeric or bool input");
  std::vector<int64_t> true_at;
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    if (x.element_as_double(i) != 0) true_at.push_back(i);
  }
  const int64_t rank = x.shape().rank();
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         ctx.output(DType::kInt64, {static_cast<int64_t>(true_at.size()), rank}));
  auto coordinates = out.flat<int64_t>();
  for (size_t k = 0; k < true_at.size(); ++k) {
    int64_t rest = true_at[k];
    for (int64_t d = rank; d-- > 0;) {
      coordinates[k * static_cast<size_t>(rank) + static_cast<size_t>(d)] =
          rest % x.shape().dim(static_cast<int>(d));
      rest /= x.shape().dim(static_cast<int>(d));
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

// "[a b c...]": the first `summarize` elements of `t`.
std::string summary(const Tensor& t, int64_t summarize) {
  std::ostringstream out;
  const int64_t n = std::min(t.num_elements(), summarize);
  for (int64_t i = 0; i < n; ++i) {
    out << (i > 0 ? " " : "");
    if (t.dtype() == DType::kString) {
      out << t.strings()[static_cast<size_t>(i)];
    } else if (has_double_value(t.dtype())) {
      out << t.element_as_double(i);
    }
  }
  if (n < t.num_elements()) out << "...";
  return (t.dtype() == DType::kString && t.shape().rank() == 0) ? out.str() : "[" + out.str() + "]";
}

Outputs assert_kernel(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_at_least(1));
  const Tensor& cond = *ctx.inputs[0];
  if (cond.dtype() != DType::kBool || cond.num_elements() != 1) {
    return ctx.invalid("condition must be one bool, not " + std::string(dtype_name(cond.dtype())) +
                       " " + cond.shape().to_string());
  }
  if (cond.flat<bool>()[0]) return std::vector<Tensor>{};
  const tensorflow::AttrValue* a = ctx.attr("summarize");
  std::string message = "assertion failed:";
  for (size_t i = 1; i < ctx.inputs.size(); ++i) {
    message += " " + summary(*ctx.inputs[i], a == nullptr ? 3 : a->i());
  }
  return ctx.invalid(message);
}

}  // namespace

void register_compare_kernels(KernelTable& table) {
  table["Equal"] = comparison<Compare::kEqual>;
  table["NotEqual"] = comparison<Compare::kNotEqual>;
  table["Less"] = comparison<Compare::kLess>;
  table["LessEqual"] = comparison<Compare::kLessEqual>;
  table["Greater"] = comparison<Compare::kGreater>;
  table["GreaterEqual"] = comparison<Compare::kGreaterEqual>;
  table["LogicalAnd"] = logical<true>;
  table["LogicalOr"] = logical<false>;
  table["LogicalNot"] = logical_not;
  table["Select"] = select;
  table["SelectV2"] = select_v2;
  table["Where"] = where;
  table["Assert"] = assert_kernel;
}

}  // namespace cairn::serving::internal
