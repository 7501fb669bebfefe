// Window geometry of Conv2D and the pools.
#include "serving/window.h"

#include <string>
#include <vector>

namespace cairn::serving::internal {
namespace {

// The [1, rows, cols, 1] attr `name`; all ones when absent and optional.
Result<std::vector<int64_t>> nhwc_attr(const KernelContext& ctx, const char* name, bool optional) {
  std::vector<int64_t> values = ctx.int_list_attr(name);
  if (values.empty() && optional) return std::vector<int64_t>{1, 1, 1, 1};
  if (values.size() != 4 || values[0] != 1 || values[3] != 1 || values[1] < 1 || values[2] < 1 ||
      values[1] > (int64_t{1} << 30) || values[2] > (int64_t{1} << 30)) {
    return ctx.invalid(std::string("attr ") + name +
                       " must be [1, rows, cols, 1] with positive rows and cols");
  }
  return values;
}

Status fit_axis(const KernelContext& ctx, bool same, WindowAxis& axis) {
  if (axis.size < 1 || axis.size > (int64_t{1} << 30)) {
    return ctx.invalid("window size " + std::to_string(axis.size) + " is out of range");
  }
  const int64_t extent = (axis.size - 1) * axis.dilation + 1;
  if (same) {
    axis.out = (axis.in + axis.stride - 1) / axis.stride;
    const int64_t needed = (axis.out - 1) * axis.stride + extent - axis.in;
    axis.pad_before = needed > 0 ? needed / 2 : 0;
  } else if (axis.in < extent) {
    return ctx.invalid("a window of " + std::to_string(extent) + " does not fit an input of " +
                       std::to_string(axis.in) + " with VALID padding");
  } else {
    axis.out = (axis.in - extent) / axis.stride + 1;
  }
  return ok_status();
}

}  // namespace

Result<Window2D> window_2d(const KernelContext& ctx, const TensorShape& input,
                           const int64_t (&kernel)[2], bool dilated) {
  if (input.rank() != 4) return ctx.invalid("needs an NHWC input, not " + input.to_string());
  const tensorflow::AttrValue* format = ctx.attr("data_format");
  if (format != nullptr && !format->s().empty() && format->s() != "NHWC") {
    return ctx.invalid("only data_format NHWC is supported, not " + format->s());
  }
  const tensorflow::AttrValue* padding = ctx.attr("padding");
  const std::string pad = padding == nullptr ? "" : padding->s();
  if (pad != "SAME" && pad != "VALID") {
    return ctx.invalid("padding must be SAME or VALID, not '" + pad + "'");
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> strides, nhwc_attr(ctx, "strides", false));
  std::vector<int64_t> dilations{1, 1, 1, 1};
  if (dilated) {
    CAIRN_ASSIGN_OR_RETURN(dilations, nhwc_attr(ctx, "dilations", true));
  }
  Window2D w{input.dim(0), input.dim(3), {}, {}};
  w.rows = {.in = input.dim(1), .size = kernel[0], .stride = strides[1], .dilation = dilations[1]};
  w.cols = {.in = input.dim(2), .size = kernel[1], .stride = strides[2], .dilation = dilations[2]};
  CAIRN_RETURN_IF_ERROR(fit_axis(ctx, pad == "SAME", w.rows));
  CAIRN_RETURN_IF_ERROR(fit_axis(ctx, pad == "SAME", w.cols));
  return w;
}

}  // namespace cairn::serving::internal
