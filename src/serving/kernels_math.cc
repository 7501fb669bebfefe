// Elementwise arithmetic with numpy broadcasting (Add, AddV2, Sub, Mul,
// RealDiv, Maximum, Minimum), unary math (Square, Neg, Exp) and ArgMax.
// Integer arithmetic wraps around on overflow, as TensorFlow's CPU kernels do.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// Where each operand's elements sit relative to the output's: stride 0 on a
// broadcast dimension.
struct Broadcast {
  std::vector<int64_t> dims, a_strides, b_strides;
};

// Computed only for an output with elements: then no operand has a zero
// dimension, and each product is at most the operand's element count.
std::vector<int64_t> aligned_strides(const TensorShape& s, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (int d = s.rank() - 1; d >= 0; --d) {
    strides[rank - static_cast<size_t>(s.rank() - d)] = s.dim(d) == 1 ? 0 : stride;
    stride *= s.dim(d);
  }
  return strides;
}

// The output dims of broadcasting `a` with `b` as numpy does.
Result<std::vector<int64_t>> broadcast_dims(const KernelContext& ctx, const TensorShape& a,
                                            const TensorShape& b) {
  const size_t rank = static_cast<size_t>(std::max(a.rank(), b.rank()));
  std::vector<int64_t> dims(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k + a.rank() >= rank ? a.dim(static_cast<int>(k + a.rank() - rank)) : 1;
    const int64_t db = k + b.rank() >= rank ? b.dim(static_cast<int>(k + b.rank() - rank)) : 1;
    if (da != db && da != 1 && db != 1) {
      return ctx.invalid("cannot broadcast " + a.to_string() + " with " + b.to_string());
    }
    dims[k] = da == 1 ? db : da;
  }
  return dims;
}

// out[i] = op(a[..], b[..]) over the broadcast shape, walking an odometer:
// as many steps as the output has elements.
template <typename T, typename Op>
void apply(const Tensor& a, const Tensor& b, Tensor& out, Op op) {
  if (out.num_elements() == 0) return;
  const std::vector<int64_t>& dims = out.shape().dims();
  const Broadcast bc{dims, aligned_strides(a.shape(), dims.size()),
                     aligned_strides(b.shape(), dims.size())};
  auto x = a.flat<T>();
  auto y = b.flat<T>();
  auto z = out.flat<T>();
  std::vector<int64_t> index(bc.dims.size(), 0);
  int64_t ia = 0, ib = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    z[i] = op(x[static_cast<size_t>(ia)], y[static_cast<size_t>(ib)]);
    for (size_t d = bc.dims.size(); d-- > 0;) {
      ia += bc.a_strides[d], ib += bc.b_strides[d];
      if (++index[d] < bc.dims[d]) break;
      ia -= bc.a_strides[d] * bc.dims[d], ib -= bc.b_strides[d] * bc.dims[d];
      index[d] = 0;
    }
  }
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

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin };

template <BinaryOp kOp>
Outputs binary(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& a = *ctx.inputs[0];
  const Tensor& b = *ctx.inputs[1];
  if (a.dtype() != b.dtype()) {
    return ctx.invalid("operands differ in dtype: " + std::string(dtype_name(a.dtype())) + " and " +
                       std::string(dtype_name(b.dtype())));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcast_dims(ctx, a.shape(), b.shape()));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(a.dtype(), TensorShape(std::move(dims))));
  return visit_numeric(a.dtype(), [&]<typename T>() -> Outputs {
    if constexpr (kOp == BinaryOp::kDiv && std::is_integral_v<T>) {
      return ctx.invalid("RealDiv needs floating-point operands");
    } else {
      auto op = [](T x, T y) -> T {
        if constexpr (kOp == BinaryOp::kAdd) return wrapping(x, y, std::plus<>());
        if constexpr (kOp == BinaryOp::kSub) return wrapping(x, y, std::minus<>());
        if constexpr (kOp == BinaryOp::kMul) return wrapping(x, y, std::multiplies<>());
        if constexpr (kOp == BinaryOp::kDiv) return x / y;
        if constexpr (kOp == BinaryOp::kMax) return std::max(x, y);
        if constexpr (kOp == BinaryOp::kMin) return std::min(x, y);
      };
      apply<T>(a, b, out, op);
      return std::vector<Tensor>{std::move(out)};
    }
  });
}

enum class UnaryOp { kSquare, kNeg, kExp };

template <UnaryOp kOp>
Outputs unary(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  return visit_numeric(x.dtype(), [&]<typename T>() -> Outputs {
    if constexpr (kOp == UnaryOp::kExp && std::is_integral_v<T>) {
      return ctx.invalid("Exp needs a floating-point operand");
    } else {
      CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(x));
      for (T& v : out.flat<T>()) {
        if constexpr (kOp == UnaryOp::kSquare) v = wrapping(v, v, std::multiplies<>());
        if constexpr (kOp == UnaryOp::kNeg) v = wrapping(T{0}, v, std::minus<>());
        if constexpr (kOp == UnaryOp::kExp) v = std::exp(v);
      }
      return std::vector<Tensor>{std::move(out)};
    }
  });
}

// Index of the largest element along `axis` into `out` (x's shape without
// `axis`); the first one on ties. Runs only for an output with elements, so
// outer * inner is their count and the loops visit each input element once.
template <typename T, typename Index>
void arg_max(const Tensor& x, int64_t axis, Tensor& out) {
  if (out.num_elements() == 0) return;
  const std::vector<int64_t>& dims = x.shape().dims();
  const int64_t n = dims[static_cast<size_t>(axis)];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= dims[static_cast<size_t>(d)];
  for (size_t d = static_cast<size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  auto in = x.flat<T>();
  auto result = out.flat<Index>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        if (in[static_cast<size_t>((o * n + k) * inner + i)] >
            in[static_cast<size_t>((o * n + best) * inner + i)]) {
          best = k;
        }
      }
      result[static_cast<size_t>(o * inner + i)] = static_cast<Index>(best);
    }
  }
}

Outputs arg_max_kernel(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> dimension, ctx.int_values(1));
  const int64_t axis = dimension.size() == 1 ? normalize_axis(dimension[0], x.shape().rank()) : -1;
  if (axis < 0) return ctx.invalid("bad dimension for an input of " + x.shape().to_string());
  if (x.shape().dim(static_cast<int>(axis)) == 0) return ctx.invalid("reduction axis is empty");
  CAIRN_ASSIGN_OR_RETURN(DType out_type, ctx.type_attr("output_type", DType::kInt64));
  if (out_type != DType::kInt64 && out_type != DType::kInt32) {
    return ctx.invalid("output_type must be int32 or int64");
  }
  std::vector<int64_t> dims = x.shape().dims();
  dims.erase(dims.begin() + axis);
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(out_type, TensorShape(std::move(dims))));
  return visit_numeric(x.dtype(), [&]<typename T>() -> Outputs {
    if (out_type == DType::kInt64) {
      arg_max<T, int64_t>(x, axis, out);
    } else {
      arg_max<T, int32_t>(x, axis, out);
    }
    return std::vector<Tensor>{std::move(out)};
  });
}

}  // namespace

void register_math_kernels(KernelTable& table) {
  table["Add"] = binary<BinaryOp::kAdd>;
  table["AddV2"] = binary<BinaryOp::kAdd>;
  table["Sub"] = binary<BinaryOp::kSub>;
  table["Mul"] = binary<BinaryOp::kMul>;
  table["RealDiv"] = binary<BinaryOp::kDiv>;
  table["Maximum"] = binary<BinaryOp::kMax>;
  table["Minimum"] = binary<BinaryOp::kMin>;
  table["Square"] = unary<UnaryOp::kSquare>;
  table["Neg"] = unary<UnaryOp::kNeg>;
  table["Exp"] = unary<UnaryOp::kExp>;
  table["ArgMax"] = arg_max_kernel;
}

}  // namespace cairn::serving::internal
