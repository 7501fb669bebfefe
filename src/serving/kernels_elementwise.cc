// Elementwise kernels on float32 and float64 beside kernels_nn.cc's
// activations: Softplus, LeakyRelu (attr alpha), Selu, Erf (the exact gelu
// is x * (1 + erf(x / sqrt(2))) / 2), and LogSoftmax over the last axis.
#include <algorithm>
#include <cmath>

#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// A copy of the one float input with `f` applied to every element.
template <typename F>
Outputs map_floating(const KernelContext& ctx, F&& f) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  return visit_floating(ctx, ctx.inputs[0]->dtype(), [&]<typename T>() -> Outputs {
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(*ctx.inputs[0]));
    for (T& v : out.flat<T>()) v = f(v);
    return std::vector<Tensor>{std::move(out)};
  });
}

// log(1 + exp(x)) without overflow for large x.
Outputs softplus(const KernelContext& ctx) {
  return map_floating(ctx, []<typename T>(T x) -> T {
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  });
}

Outputs leaky_relu(const KernelContext& ctx) {
  const tensorflow::AttrValue* a = ctx.attr("alpha");
  const double alpha = a == nullptr ? 0.2 : a->f();
  return map_floating(
      ctx, [alpha]<typename T>(T x) -> T { return x < 0 ? static_cast<T>(alpha * x) : x; });
}

// Klambauer et al. 2017, "Self-Normalizing Neural Networks": the constants
// that keep activations at zero mean and unit variance.
Outputs selu(const KernelContext& ctx) {
  constexpr double kScale = 1.0507009873554804934193349852946;
  constexpr double kAlpha = 1.6732632423543772848170429916717;
  return map_floating(ctx, []<typename T>(T x) -> T {
    return static_cast<T>(x > 0 ? kScale * x : kScale * kAlpha * std::expm1(x));
  });
}

Outputs erf(const KernelContext& ctx) {
  return map_floating(ctx, []<typename T>(T x) -> T { return std::erf(x); });
}

// x - max - log(sum(exp(x - max))) over each row of the last axis.
Outputs log_softmax(const KernelContext& ctx) {
  return map_last_axis_rows(ctx, []<typename T>(std::span<T> row) {
    const T top = *std::max_element(row.begin(), row.end());
    double sum = 0;
    for (const T v : row) sum += std::exp(static_cast<double>(v - top));
    const auto log_sum = static_cast<T>(std::log(sum));
    for (T& v : row) v = v - top - log_sum;
  });
}

}  // namespace

void register_elementwise_kernels(KernelTable& table) {
  table["Softplus"] = softplus;
  table["LeakyRelu"] = leaky_relu;
  table["Selu"] = selu;
  table["Erf"] = erf;
  table["LogSoftmax"] = log_softmax;
}

}  // namespace cairn::serving::internal
