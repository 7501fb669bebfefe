// Elementwise arithmetic with numpy broadcasting (Add, AddV2, Sub, Mul,
// RealDiv, Maximum, Minimum, Pow, FloorDiv, FloorMod) on float32, float64,
// int32, int64 and uint8; unary math (Square, Neg, Exp, Sqrt, Rsqrt, Log)
// and ArgMax. Integer arithmetic wraps around on overflow, as TensorFlow's
// CPU kernels do; an integer division by zero or an integer raised to a
// negative power is an error, as in TensorFlow.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "serving/broadcast.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// v < 0, without a comparison an unsigned type would warn about.
template <typename T>
bool negative(T v) {
  if constexpr (std::is_signed_v<T>) return v < T{0};
  return false;
}

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin, kPow, kFloorDiv, kFloorMod };

// x / y rounded towards negative infinity; y != 0. The one overflowing
// quotient (min / -1) wraps, as in TensorFlow.
template <typename T>
T floor_div(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::floor(x / y);
  } else {
    if (std::is_signed_v<T> && y == T(-1)) return wrapping(T{0}, x, std::minus<>());
    const T q = static_cast<T>(x / y);
    return (x % y != 0 && negative(x) != negative(y)) ? static_cast<T>(q - 1) : q;
  }
}

// The remainder of floor_div, with the sign of y; y != 0 for integers.
template <typename T>
T floor_mod(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    const T r = std::fmod(x, y);
    return (r != 0 && negative(r) != negative(y)) ? r + y : r;
  } else {
    if (std::is_signed_v<T> && y == T(-1)) return T{0};
    const T r = static_cast<T>(x % y);
    return (r != 0 && negative(r) != negative(y)) ? static_cast<T>(r + y) : r;
  }
}

// x to the power y; for integers y >= 0, by squaring, wrapping on overflow.
template <typename T>
T power(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(x, y);
  } else {
    T result = 1;
    for (; y > 0; y = static_cast<T>(y / 2)) {
      if (y % 2 == 1) result = wrapping(result, x, std::multiplies<>());
      x = wrapping(x, x, std::multiplies<>());
    }
    return result;
  }
}

// An error when integer `b` holds a value kOp refuses: a zero divisor, a
// negative exponent.
template <BinaryOp kOp, typename T>
Status check_integer_operand(const KernelContext& ctx, const Tensor& b) {
  if constexpr (std::is_integral_v<T>) {
    for (T v : b.flat<T>()) {
      if ((kOp == BinaryOp::kFloorDiv || kOp == BinaryOp::kFloorMod) && v == 0) {
        return ctx.invalid("Integer division by zero");
      }
      if (kOp == BinaryOp::kPow && negative(v)) {
        return ctx.invalid("Integers to negative integer powers are not allowed");
      }
    }
  }
  return ok_status();
}

template <BinaryOp kOp>
Outputs binary(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& a = *ctx.inputs[0];
  const Tensor& b = *ctx.inputs[1];
  if (a.dtype() != b.dtype()) {
    return ctx.invalid("operands differ in dtype: " + std::string(dtype_name(a.dtype())) + " and " +
                       std::string(dtype_name(b.dtype())));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcast_dims(ctx, {&a.shape(), &b.shape()}));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(a.dtype(), TensorShape(std::move(dims))));
  return visit_real(ctx, a.dtype(), [&]<typename T>() -> Outputs {
    if constexpr (kOp == BinaryOp::kDiv && std::is_integral_v<T>) {
      return ctx.invalid("RealDiv needs floating-point operands");
    } else {
      CAIRN_RETURN_IF_ERROR((check_integer_operand<kOp, T>(ctx, b)));
      auto op = [](T x, T y) -> T {
        if constexpr (kOp == BinaryOp::kAdd) return wrapping(x, y, std::plus<>());
        if constexpr (kOp == BinaryOp::kSub) return wrapping(x, y, std::minus<>());
        if constexpr (kOp == BinaryOp::kMul) return wrapping(x, y, std::multiplies<>());
        if constexpr (kOp == BinaryOp::kDiv) return x / y;
        if constexpr (kOp == BinaryOp::kMax) return std::max(x, y);
        if constexpr (kOp == BinaryOp::kMin) return std::min(x, y);
        if constexpr (kOp == BinaryOp::kPow) return power(x, y);
        if constexpr (kOp == BinaryOp::kFloorDiv) return floor_div(x, y);
        if constexpr (kOp == BinaryOp::kFloorMod) return floor_mod(x, y);
      };
      apply_broadcast<T, T>(a, b, out, op);
      return std::vector<Tensor>{std::move(out)};
    }
  });
}

enum class UnaryOp { kSquare, kNeg, kExp, kSqrt, kRsqrt, kLog };

template <UnaryOp kOp>
Outputs unary(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  return visit_numeric(ctx, x.dtype(), [&]<typename T>() -> Outputs {
    if constexpr (kOp != UnaryOp::kSquare && kOp != UnaryOp::kNeg && std::is_integral_v<T>) {
      return ctx.invalid("needs a floating-point operand");
    } else {
      CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(x));
      for (T& v : out.flat<T>()) {
        if constexpr (kOp == UnaryOp::kSquare) v = wrapping(v, v, std::multiplies<>());
        if constexpr (kOp == UnaryOp::kNeg) v = wrapping(T{0}, v, std::minus<>());
        if constexpr (kOp == UnaryOp::kExp) v = std::exp(v);
        if constexpr (kOp == UnaryOp::kSqrt) v = std::sqrt(v);
        if constexpr (kOp == UnaryOp::kRsqrt) v = T{1} / std::sqrt(v);
        if constexpr (kOp == UnaryOp::kLog) v = std::log(v);
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
  return visit_numeric(ctx, x.dtype(), [&]<typename T>() -> Outputs {
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
  table["Pow"] = binary<BinaryOp::kPow>;
  table["FloorDiv"] = binary<BinaryOp::kFloorDiv>;
  table["FloorMod"] = binary<BinaryOp::kFloorMod>;
  table["Square"] = unary<UnaryOp::kSquare>;
  table["Neg"] = unary<UnaryOp::kNeg>;
  table["Exp"] = unary<UnaryOp::kExp>;
  table["Sqrt"] = unary<UnaryOp::kSqrt>;
  table["Rsqrt"] = unary<UnaryOp::kRsqrt>;
  table["Log"] = unary<UnaryOp::kLog>;
  table["ArgMax"] = arg_max_kernel;
}

}  // namespace cairn::serving::internal
