// BatchMatMul, BatchMatMulV2 and BatchMatMulV3 (batch_matmul.h: adj_x,
// adj_y, broadcast batch axes), and FusedBatchNorm/V2/V3 in inference mode:
// y = (x - mean) * scale / sqrt(variance + epsilon) + offset over the
// channels of an NHWC input. Training (is_training, TensorFlow's default) is
// refused: a served graph has only the moving statistics.
#include <cmath>

#include "serving/batch_matmul.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

Outputs batch_matmul_kernel(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  for (const char* name : {"Ta", "Tb", "Tout"}) {  // BatchMatMulV3's
    const tensorflow::AttrValue* a = ctx.attr(name);
    if (a != nullptr && static_cast<int>(a->type()) != static_cast<int>(x.dtype())) {
      return ctx.invalid(std::string("attr ") + name + " differs from the input dtype " +
                         std::string(dtype_name(x.dtype())) + " (mixed dtypes are not supported)");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         batch_matmul(ctx, x, *ctx.inputs[1], ctx.bool_attr("adj_x", false),
                                      ctx.bool_attr("adj_y", false)));
  return std::vector<Tensor>{std::move(out)};
}

// The per-channel inputs (scale, offset, mean, variance) are vectors of the
// input's channel count.
Status check_batch_norm(const KernelContext& ctx) {
  const Tensor& x = *ctx.inputs[0];
  if (ctx.bool_attr("is_training", true)) {
    return ctx.invalid("is_training=true is not supported: only inference batch norm runs");
  }
  const tensorflow::AttrValue* format = ctx.attr("data_format");
  if (format != nullptr && !format->s().empty() && format->s() != "NHWC" &&
      format->s() != "NDHWC") {
    return ctx.invalid("only data_format NHWC is supported, not " + format->s());
  }
  if (x.shape().rank() != 4 && x.shape().rank() != 5) {
    return ctx.invalid("needs a 4-D (or 5-D) input, not " + x.shape().to_string());
  }
  const int64_t channels = x.shape().dim(x.shape().rank() - 1);
  for (size_t i = 1; i < 5; ++i) {
    const Tensor& t = *ctx.inputs[i];
    if (t.shape().rank() != 1 || t.shape().dim(0) != channels || t.dtype() != x.dtype()) {
      return ctx.invalid("input " + std::to_string(i) + " " + t.shape().to_string() +
                         " must be a vector of the " + std::to_string(channels) +
                         " channels of input " + x.shape().to_string() + ", of its dtype");
    }
  }
  return ok_status();
}

template <typename T>
void normalize(const KernelContext& ctx, double epsilon, Tensor& out) {
  auto scale = ctx.inputs[1]->flat<T>(), offset = ctx.inputs[2]->flat<T>();
  auto mean = ctx.inputs[3]->flat<T>(), variance = ctx.inputs[4]->flat<T>();
  std::vector<double> factor(scale.size()), shift(scale.size());
  for (size_t c = 0; c < scale.size(); ++c) {
    factor[c] = scale[c] / std::sqrt(static_cast<double>(variance[c]) + epsilon);
    shift[c] = offset[c] - mean[c] * factor[c];
  }
  auto v = out.flat<T>();
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t c = i % factor.size();
    v[i] = static_cast<T>(v[i] * factor[c] + shift[c]);
  }
}

// Outputs y, then the batch mean and variance (in inference, the given
// ones), their reserve-space copies and, for V3, an empty reserve space 3.
Outputs fused_batch_norm(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(5));
  CAIRN_RETURN_IF_ERROR(check_batch_norm(ctx));
  const tensorflow::AttrValue* eps = ctx.attr("epsilon");
  const double epsilon = eps == nullptr ? 0.0001 : eps->f();
  return visit_floating(ctx, ctx.inputs[0]->dtype(), [&]<typename T>() -> Outputs {
    std::vector<Tensor> outputs;
    CAIRN_ASSIGN_OR_RETURN(Tensor y, ctx.copy(*ctx.inputs[0]));
    if (y.num_elements() > 0) normalize<T>(ctx, epsilon, y);
    outputs.push_back(std::move(y));
    for (size_t i : {3, 4, 3, 4}) {
      CAIRN_ASSIGN_OR_RETURN(Tensor stat, ctx.copy(*ctx.inputs[i]));
      outputs.push_back(std::move(stat));
    }
    if (ctx.node.op() == "FusedBatchNormV3") {
      CAIRN_ASSIGN_OR_RETURN(Tensor reserve, ctx.output(ctx.inputs[0]->dtype(), {0}));
      outputs.push_back(std::move(reserve));
    }
    return outputs;
  });
}

}  // namespace

void register_batch_kernels(KernelTable& table) {
  table["BatchMatMul"] = batch_matmul_kernel;
  table["BatchMatMulV2"] = batch_matmul_kernel;
  table["BatchMatMulV3"] = batch_matmul_kernel;
  table["FusedBatchNorm"] = fused_batch_norm;
  table["FusedBatchNormV2"] = fused_batch_norm;
  table["FusedBatchNormV3"] = fused_batch_norm;
}

}  // namespace cairn::serving::internal
