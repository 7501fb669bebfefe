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

std::vector<int64_t> aligned_strides(const TensorShape& s, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (int d = s.rank() - 1; d >= 0; --d) {
    strides[rank - static_cast<size_t>(s.rank() - d)] = s.dim(d) == 1 ? 0 : stride;
    stride *= s.dim(d);
  }
  return strides;
}

Result<Broadcast> broadcast(const KernelContext& ctx, const TensorShape& a, const TensorShape& b) {
  const size_t rank = static_cast<size_t>(std::max(a.rank(), b.rank()));
  Broadcast out{std::vector<int64_t>(rank, 1), aligned_strides(a, rank), aligned_strides(b, rank)};
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k + a.rank() >= rank ? a.dim(static_cast<int>(k + a.rank() - rank)) : 1;
    const int64_t db = k + b.rank() >= rank ? b.dim(static_cast<int>(k + b.rank() - rank)) : 1;
    if (da != db && da != 1 && db != 1) {
      return ctx.invalid("cannot broadcast " + a.to_string() + " with " + b.to_string());
    }
    out.dims[k] = da == 1 ? db : da;
  }
  return out;
}

// out[i] = op(a[..], b[..]) over the broadcast shape, walking an odometer.
template <typename T, typename Op>
Tensor apply(const Tensor& a, const Tensor& b, const Broadcast& bc, Op op) {
  Tensor out(a.dtype(), TensorShape(bc.dims));
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
  return out;
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
  CAIRN_ASSIGN_OR_RETURN(Broadcast bc, broadcast(ctx, a.shape(), b.shape()));
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
      return std::vector<Tensor>{apply<T>(a, b, bc, op)};
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
      Tensor out = x;
      for (T& v : out.flat<T>()) {
        if constexpr (kOp == UnaryOp::kSquare) v = wrapping(v, v, std::multiplies<>());
        if constexpr (kOp == UnaryOp::kNeg) v = wrapping(T{0}, v, std::minus<>());
        if constexpr (kOp == UnaryOp::kExp) v = std::exp(v);
      }
      return std::vector<Tensor>{std::move(out)};
    }
  });
}

// Index of the largest element along `axis`; the first one on ties.
template <typename T, typename Index>
Tensor arg_max(const Tensor& x, int64_t axis, DType out_type) {
  std::vector<int64_t> dims = x.shape().dims();
  const int64_t n = dims[static_cast<size_t>(axis)];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= dims[static_cast<size_t>(d)];
  for (size_t d = static_cast<size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  dims.erase(dims.begin() + axis);
  Tensor out(out_type, TensorShape(dims));
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
  return out;
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
  return visit_numeric(x.dtype(), [&]<typename T>() -> Outputs {
    return std::vector<Tensor>{out_type == DType::kInt64 ? arg_max<T, int64_t>(x, axis, out_type)
                                                         : arg_max<T, int32_t>(x, axis, out_type)};
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
