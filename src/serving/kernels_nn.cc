// The kernels of dense layers: MatMul (Eigen), BiasAdd and the activations
// Relu, Relu6, Tanh, Sigmoid, Elu and Softmax (over the last axis), on
// float32 and float64.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "serving/eigen_row_major.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

Outputs matmul(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& a = *ctx.inputs[0];
  const Tensor& b = *ctx.inputs[1];
  const bool ta = ctx.bool_attr("transpose_a", false), tb = ctx.bool_attr("transpose_b", false);
  if (a.shape().rank() != 2 || b.shape().rank() != 2 || a.dtype() != b.dtype()) {
    return ctx.invalid("needs two matrices of one dtype, not " + a.shape().to_string() + " and " +
                       b.shape().to_string());
  }
  const int64_t rows = a.shape().dim(ta ? 1 : 0), inner = a.shape().dim(ta ? 0 : 1);
  const int64_t cols = b.shape().dim(tb ? 0 : 1);
  if (b.shape().dim(tb ? 1 : 0) != inner) {
    return ctx.invalid("cannot multiply " + a.shape().to_string() + (ta ? " transposed" : "") +
                       " by " + b.shape().to_string() + (tb ? " transposed" : ""));
  }
  return visit_floating(ctx, a.dtype(), [&]<typename T>() -> Outputs {
    // The output is checked before Eigen sees it: [2^31, 0] x [0, 2^31] asks
    // for 2^62 elements. With no inner dimension it stays all zeros.
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(a.dtype(), {rows, cols}));
    if (out.num_elements() == 0 || inner == 0) return std::vector<Tensor>{std::move(out)};
    Eigen::Map<const RowMajorMatrix<T>> x(a.flat<T>().data(), a.shape().dim(0), a.shape().dim(1));
    Eigen::Map<const RowMajorMatrix<T>> y(b.flat<T>().data(), b.shape().dim(0), b.shape().dim(1));
    Eigen::Map<RowMajorMatrix<T>> z(out.flat<T>().data(), rows, cols);
    if (ta && tb) {
      z.noalias() = x.transpose() * y.transpose();
    } else if (ta) {
      z.noalias() = x.transpose() * y;
    } else if (tb) {
      z.noalias() = x * y.transpose();
    } else {
      z.noalias() = x * y;
    }
    return std::vector<Tensor>{std::move(out)};
  });
}

Outputs bias_add(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  const Tensor& bias = *ctx.inputs[1];
  const tensorflow::AttrValue* format = ctx.attr("data_format");
  if (format != nullptr && !format->s().empty() && format->s() != "NHWC") {
    return ctx.invalid("only data_format NHWC is supported, not " + format->s());
  }
  if (x.shape().rank() < 1 || bias.shape().rank() != 1 || x.dtype() != bias.dtype() ||
      x.shape().dim(x.shape().rank() - 1) != bias.shape().dim(0)) {
    return ctx.invalid("bias " + bias.shape().to_string() + " does not fit the last axis of " +
                       x.shape().to_string());
  }
  return visit_floating(ctx, x.dtype(), [&]<typename T>() -> Outputs {
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(x));
    auto v = out.flat<T>();
    auto b = bias.flat<T>();
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(v[i] + b[i % b.size()]);
    return std::vector<Tensor>{std::move(out)};
  });
}

enum class Activation { kRelu, kRelu6, kTanh, kSigmoid, kElu };

template <Activation kAct>
Outputs activation(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  return visit_floating(ctx, ctx.inputs[0]->dtype(), [&]<typename T>() -> Outputs {
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(*ctx.inputs[0]));
    for (T& v : out.flat<T>()) {
      if constexpr (kAct == Activation::kRelu) v = std::max(v, T{0});
      if constexpr (kAct == Activation::kRelu6) v = std::min(std::max(v, T{0}), T{6});
      if constexpr (kAct == Activation::kTanh) v = std::tanh(v);
      if constexpr (kAct == Activation::kSigmoid) v = T{1} / (T{1} + std::exp(-v));
      if constexpr (kAct == Activation::kElu) v = v < 0 ? std::expm1(v) : v;
    }
    return std::vector<Tensor>{std::move(out)};
  });
}

// exp(x - max) / sum over each row of the last axis.
Outputs softmax(const KernelContext& ctx) {
  return map_last_axis_rows(ctx, []<typename T>(std::span<T> row) {
    const T top = *std::max_element(row.begin(), row.end());
    T sum = 0;
    for (T& v : row) sum += (v = std::exp(v - top));
    for (T& v : row) v /= sum;
  });
}

}  // namespace

void register_nn_kernels(KernelTable& table) {
  table["MatMul"] = matmul;
  table["BiasAdd"] = bias_add;
  table["Relu"] = activation<Activation::kRelu>;
  table["Relu6"] = activation<Activation::kRelu6>;
  table["Tanh"] = activation<Activation::kTanh>;
  table["Sigmoid"] = activation<Activation::kSigmoid>;
  table["Elu"] = activation<Activation::kElu>;
  table["Softmax"] = softmax;
}

}  // namespace cairn::serving::internal
