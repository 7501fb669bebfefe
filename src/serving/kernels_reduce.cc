// Reductions over a list of axes (negative ones counted from the end,
// keep_dims keeping them as size 1): Sum, Mean, Prod, Max and Min on
// float32, float64, int32, int64 and uint8, and All/Any on bool. Floating
// sums accumulate in double; integer ones wrap as TensorFlow's do, and an
// integer Mean divides with truncation, as TensorFlow's does.
#include <limits>
#include <type_traits>

#include "serving/broadcast.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

enum class Reduce { kSum, kMean, kProd, kMax, kMin, kAll, kAny };

// The reduced axes of a rank-`rank` input, as flags.
Result<std::vector<bool>> reduced_axes(const KernelContext& ctx, int rank) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ctx.int_values(1));
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    const int64_t d = normalize_axis(a, rank);
    if (d < 0) {
      return ctx.invalid("Invalid reduction dimension " + std::to_string(a) +
                         " for input of rank " + std::to_string(rank));
    }
    reduced[static_cast<size_t>(d)] = true;
  }
  return reduced;
}

template <Reduce kOp, typename T>
auto initial() {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  if constexpr (kOp == Reduce::kProd || kOp == Reduce::kAll) return Acc{1};
  if constexpr (kOp == Reduce::kMax) {
    return std::is_floating_point_v<T> ? -std::numeric_limits<Acc>::infinity()
                                       : std::numeric_limits<Acc>::lowest();
  }
  if constexpr (kOp == Reduce::kMin) {
    return std::is_floating_point_v<T> ? std::numeric_limits<Acc>::infinity()
                                       : std::numeric_limits<Acc>::max();
  }
  if constexpr (kOp == Reduce::kSum || kOp == Reduce::kMean || kOp == Reduce::kAny) return Acc{0};
}

template <Reduce kOp, typename Acc>
Acc combine(Acc acc, Acc v) {
  if constexpr (kOp == Reduce::kSum || kOp == Reduce::kMean) return wrapping(acc, v, std::plus<>());
  if constexpr (kOp == Reduce::kProd) return wrapping(acc, v, std::multiplies<>());
  if constexpr (kOp == Reduce::kMax) return v > acc ? v : acc;
  if constexpr (kOp == Reduce::kMin) return v < acc ? v : acc;
  if constexpr (kOp == Reduce::kAll) return acc && v;
  if constexpr (kOp == Reduce::kAny) return acc || v;
}

// Folds every input element into its output element: the input walked in
// order, the output read as the input's shape with size 1 on reduced axes.
template <Reduce kOp, typename T>
void reduce_into(const Tensor& x, const TensorShape& kept, Tensor& out) {
  using Acc = decltype(initial<kOp, T>());
  std::vector<Acc> acc(static_cast<size_t>(out.num_elements()), initial<kOp, T>());
  if (x.num_elements() > 0) {
    BroadcastWalk walk(x.shape().dims(), {&kept});
    for (T v : x.flat<T>()) {
      acc[walk[0]] = combine<kOp, Acc>(acc[walk[0]], static_cast<Acc>(v));
      walk.next();
    }
  }
  auto z = out.flat<T>();
  const int64_t count = acc.empty() ? 0 : x.num_elements() / static_cast<int64_t>(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    if constexpr (kOp == Reduce::kMean && std::is_floating_point_v<T>) {
      acc[i] /= static_cast<double>(count);
    } else if constexpr (kOp == Reduce::kMean) {
      acc[i] = count == 0 ? Acc{0} : static_cast<Acc>(acc[i] / static_cast<Acc>(count));
    }
    z[i] = static_cast<T>(acc[i]);
  }
}

template <Reduce kOp>
Outputs reduction(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(std::vector<bool> reduced, reduced_axes(ctx, x.shape().rank()));
  std::vector<int64_t> kept = x.shape().dims(), out_dims;
  for (size_t d = 0; d < kept.size(); ++d) {
    if (reduced[d]) kept[d] = 1;
    if (!reduced[d] || ctx.bool_attr("keep_dims", false)) out_dims.push_back(kept[d]);
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), TensorShape(out_dims)));
  const auto run = [&]<typename T>() -> Outputs {
    reduce_into<kOp, T>(x, TensorShape(kept), out);
    return std::vector<Tensor>{std::move(out)};
  };
  if constexpr (kOp == Reduce::kAll || kOp == Reduce::kAny) {
    if (x.dtype() != DType::kBool) return ctx.invalid("needs a bool input");
    return run.template operator()<bool>();
  } else {
    return visit_real(ctx, x.dtype(), run);
  }
}

}  // namespace

void register_reduce_kernels(KernelTable& table) {
  table["Sum"] = reduction<Reduce::kSum>;
  table["Mean"] = reduction<Reduce::kMean>;
  table["Prod"] = reduction<Reduce::kProd>;
  table["Max"] = reduction<Reduce::kMax>;
  table["Min"] = reduction<Reduce::kMin>;
  table["All"] = reduction<Reduce::kAll>;
  table["Any"] = reduction<Reduce::kAny>;
}

}  // namespace cairn::serving::internal
