// Keras layers as ONNX nodes (onnx_layers.h), opset 13. Weight layouts:
//   Conv      Keras kernel [k..., in, out]    -> ONNX W [out, in, k...] (a Transpose node)
//   Depthwise Keras [k..., in, multiplier]    -> W [in * multiplier, 1, k...], group = in
//   LSTM, GRU see onnx_recurrent.cc
#include "formats/export/onnx_layers.h"

#include <cmath>
#include <map>

#include "formats/export/inference_model_checks.h"

namespace cairn::internal {
namespace {

using Json = nlohmann::json;

// A config list of ints (Keras writes [2, 2], or one int for 1-D layers),
// `n` long.
std::vector<int64_t> onnx_ints(const Json& config, const char* key, size_t n, int64_t fallback) {
  const Json& v = config.value(key, Json());
  if (v.is_number_integer()) return std::vector<int64_t>(n, v.get<int64_t>());
  if (v.is_array() && v.size() == n) return v.get<std::vector<int64_t>>();
  return std::vector<int64_t>(n, fallback);
}

Result<std::string> onnx_activation(OnnxGraph& g, const InferenceStep& step, const Json& config,
                                    const std::string& y) {
  const std::string activation = config.value("activation", Json("linear")).is_string()
                                     ? config.value("activation", std::string("linear"))
                                     : "";
  if (!is_known_activation(activation)) {
    return onnx_refusal(step,
                        "the activation '" + activation +
                            "' (ONNX exports take linear, relu, tanh, sigmoid, elu, softmax)");
  }
  return add_onnx_activation(g, step.name, activation, y);
}

// [0, r-1, 1, ..., r-2]: channels_last to channels-first, for a value of rank r.
std::vector<int64_t> onnx_to_channels_first(size_t rank) {
  std::vector<int64_t> perm{0, static_cast<int64_t>(rank) - 1};
  for (size_t i = 1; i + 1 < rank; ++i) perm.push_back(static_cast<int64_t>(i));
  return perm;
}

std::vector<int64_t> onnx_to_channels_last(size_t rank) {
  std::vector<int64_t> perm{0};
  for (size_t i = 2; i < rank; ++i) perm.push_back(static_cast<int64_t>(i));
  perm.push_back(1);
  return perm;
}

// ONNX pads [begin..., end...] for Keras's padding over `spatial` dims.
Result<std::vector<int64_t>> onnx_pads(const InferenceStep& step, const Json& config,
                                       const std::vector<int64_t>& spatial,
                                       const std::vector<int64_t>& kernel,
                                       const std::vector<int64_t>& strides,
                                       const std::vector<int64_t>& dilations) {
  const std::string padding = config.value("padding", std::string("valid"));
  std::vector<int64_t> begin(spatial.size(), 0), end(spatial.size(), 0);
  if (padding == "same") {
    for (size_t i = 0; i < spatial.size(); ++i) {
      const int64_t out = (spatial[i] + strides[i] - 1) / strides[i];
      const int64_t total = std::max<int64_t>(
          (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i], 0);
      begin[i] = total / 2;
      end[i] = total - begin[i];
    }
  } else if (padding != "valid") {
    return onnx_refusal(step, "padding '" + padding + "' (ONNX exports take valid and same)");
  }
  begin.insert(begin.end(), end.begin(), end.end());
  return begin;
}

// Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D.
Result<std::string> onnx_conv(OnnxGraph& g, const InferenceStep& step, const Json& config,
                              const std::vector<int64_t>& in, const std::string& x) {
  const size_t n = in.size() - 1;  // spatial dims
  const std::vector<int64_t> spatial(in.begin(), in.end() - 1);
  const int64_t channels = in.back();
  const bool depthwise = step.class_name != "Conv1D" && step.class_name != "Conv2D";
  const Tensor* kernel = onnx_weight(step, depthwise ? "depthwise_kernel" : "kernel");
  if (kernel == nullptr || kernel->shape().rank() != static_cast<int64_t>(n) + 2) {
    return onnx_refusal(step, "it has no kernel of rank " + std::to_string(n + 2));
  }
  const std::vector<int64_t> k(kernel->shape().dims().begin(), kernel->shape().dims().begin() + n);
  const std::vector<int64_t> strides = onnx_ints(config, "strides", n, 1);
  const std::vector<int64_t> dilations = onnx_ints(config, "dilation_rate", n, 1);
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> pads,
                         onnx_pads(step, config, spatial, k, strides, dilations));
  std::vector<int64_t> perm{static_cast<int64_t>(n) + 1, static_cast<int64_t>(n)};
  for (size_t i = 0; i < n; ++i) perm.push_back(static_cast<int64_t>(i));
  std::vector<onnx::AttributeProto> attributes{
      ints_attribute("kernel_shape", k), ints_attribute("strides", strides),
      ints_attribute("dilations", dilations), ints_attribute("pads", pads)};
  const std::string xt =
      onnx_transpose(g, step.name + "/to_channels_first", x, onnx_to_channels_first(n + 2));
  const Tensor* bias = onnx_weight(step, "bias");
  std::string y;
  if (depthwise) {
    // [k..., in, mult] -> [in, mult, k...] -> [in * mult, 1, k...]: output
    // channel c * mult + m reads input channel c, as in Keras.
    std::vector<int64_t> depth_perm{static_cast<int64_t>(n), static_cast<int64_t>(n) + 1};
    for (size_t i = 0; i < n; ++i) depth_perm.push_back(static_cast<int64_t>(i));
    std::string w =
        onnx_transpose(g, step.name + "/depthwise_kernel/Transpose",
                       g.add_initializer(step.name + "/depthwise_kernel", *kernel), depth_perm);
    std::vector<int64_t> shape{-1, 1};
    shape.insert(shape.end(), k.begin(), k.end());
    w = g.add("Reshape", step.name + "/depthwise_kernel/Reshape",
              {w, g.add_int64_initializer(step.name + "/depthwise_kernel/shape", shape)});
    attributes.push_back(int_attribute("group", channels));
    const bool separable = step.class_name == "SeparableConv2D";
    std::vector<std::string> inputs{xt, w};
    if (!separable && bias != nullptr)
      inputs.push_back(g.add_initializer(step.name + "/bias", *bias));
    y = g.add("Conv", step.name + "/DepthwiseConv", inputs, std::move(attributes));
    if (separable) {
      const Tensor* pointwise = onnx_weight(step, "pointwise_kernel");
      if (pointwise == nullptr) return onnx_refusal(step, "it has no pointwise_kernel");
      std::vector<std::string> pw{
          y, onnx_transpose(g, step.name + "/pointwise_kernel/Transpose",
                            g.add_initializer(step.name + "/pointwise_kernel", *pointwise), perm)};
      if (bias != nullptr) pw.push_back(g.add_initializer(step.name + "/bias", *bias));
      y = g.add("Conv", step.name + "/PointwiseConv", pw,
                {ints_attribute("kernel_shape", std::vector<int64_t>(n, 1))});
    }
  } else {
    const std::string w = onnx_transpose(g, step.name + "/kernel/Transpose",
                                         g.add_initializer(step.name + "/kernel", *kernel), perm);
    std::vector<std::string> inputs{xt, w};
    if (bias != nullptr) inputs.push_back(g.add_initializer(step.name + "/bias", *bias));
    y = g.add("Conv", step.name + "/Conv", inputs, std::move(attributes));
  }
  y = onnx_transpose(g, step.name + "/to_channels_last", y, onnx_to_channels_last(n + 2));
  return onnx_activation(g, step, config, y);
}

Result<std::string> onnx_pool(OnnxGraph& g, const InferenceStep& step, const Json& config,
                              const std::vector<int64_t>& in, const std::string& x) {
  const size_t n = in.size() - 1;
  const std::vector<int64_t> spatial(in.begin(), in.end() - 1);
  const std::vector<int64_t> k = onnx_ints(config, "pool_size", n, 2);
  std::vector<int64_t> strides = onnx_ints(config, "strides", n, 0);
  if (strides[0] == 0) strides = k;  // strides null: the pool size
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> pads,
                         onnx_pads(step, config, spatial, k, strides, std::vector<int64_t>(n, 1)));
  const bool max = step.class_name.starts_with("Max");
  std::string y =
      onnx_transpose(g, step.name + "/to_channels_first", x, onnx_to_channels_first(n + 2));
  // AveragePool's count_include_pad=0 (its default) averages what is inside, as Keras.
  y = g.add(max ? "MaxPool" : "AveragePool", step.name + (max ? "/MaxPool" : "/AveragePool"), {y},
            {ints_attribute("kernel_shape", k), ints_attribute("strides", strides),
             ints_attribute("pads", pads)});
  return onnx_transpose(g, step.name + "/to_channels_last", y, onnx_to_channels_last(n + 2));
}

Result<std::string> onnx_global_pool(OnnxGraph& g, const InferenceStep& step, const Json& config,
                                     const std::vector<int64_t>& in, const std::string& x) {
  std::vector<int64_t> axes;
  for (size_t i = 1; i < in.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  const bool keepdims = config.value("keepdims", false);
  const bool max = step.class_name.starts_with("GlobalMax");
  return g.add(max ? "ReduceMax" : "ReduceMean", step.name + (max ? "/ReduceMax" : "/ReduceMean"),
               {x}, {ints_attribute("axes", axes), int_attribute("keepdims", keepdims ? 1 : 0)});
}

// A float32 vector of `n` copies of `value`.
Tensor onnx_filled(int64_t n, float value) {
  Tensor t(DType::kFloat32, TensorShape{n});
  for (float& v : t.flat<float>()) v = value;
  return t;
}

Result<std::string> onnx_batch_norm(OnnxGraph& g, const InferenceStep& step, const Json& config,
                                    const std::vector<int64_t>& in, const std::string& x) {
  const Json axis = config.value("axis", Json(-1));
  const int64_t last = static_cast<int64_t>(in.size());
  if (axis != Json(-1) && axis != Json::array({-1}) && axis != Json(last) &&
      axis != Json::array({last})) {
    return onnx_refusal(step, "axis " + axis.dump() + " (ONNX exports normalize the last axis)");
  }
  const int64_t c = in.back();
  const Tensor* mean = onnx_weight(step, "moving_mean");
  const Tensor* variance = onnx_weight(step, "moving_variance");
  if (mean == nullptr || variance == nullptr)
    return onnx_refusal(step, "it has no moving statistics");
  const Tensor* gamma = onnx_weight(step, "gamma");
  const Tensor* beta = onnx_weight(step, "beta");
  const std::string scale =
      g.add_initializer(step.name + "/gamma", gamma != nullptr ? *gamma : onnx_filled(c, 1));
  const std::string shift =
      g.add_initializer(step.name + "/beta", beta != nullptr ? *beta : onnx_filled(c, 0));
  const size_t rank = in.size() + 1;
  std::string y = rank > 2 ? onnx_transpose(g, step.name + "/to_channels_first", x,
                                            onnx_to_channels_first(rank))
                           : x;
  y = g.add("BatchNormalization", step.name + "/BatchNormalization",
            {y, scale, shift, g.add_initializer(step.name + "/moving_mean", *mean),
             g.add_initializer(step.name + "/moving_variance", *variance)},
            {float_attribute("epsilon", config.value("epsilon", 1e-3f))});
  return rank > 2
             ? onnx_transpose(g, step.name + "/to_channels_last", y, onnx_to_channels_last(rank))
             : y;
}

Result<std::string> onnx_dense(OnnxGraph& g, const InferenceStep& step, const Json& config,
                               const std::string& x) {
  const Tensor* kernel = onnx_weight(step, "kernel");
  if (kernel == nullptr) return onnx_refusal(step, "it has no kernel");
  std::string y = g.add("MatMul", step.name + "/MatMul",
                        {x, g.add_initializer(step.name + "/kernel", *kernel)});
  if (const Tensor* bias = onnx_weight(step, "bias")) {
    y = g.add("Add", step.name + "/Add", {y, g.add_initializer(step.name + "/bias", *bias)});
  }
  return onnx_activation(g, step, config, y);
}

}  // namespace

Status onnx_refusal(const InferenceStep& step, const std::string& what) {
  return unimplemented_error("layer '" + step.name + "' (" + step.class_name +
                             ") cannot be exported to ONNX: " + what);
}

// The weight of `step` whose Keras name ends in "/<suffix>", or null.
const Tensor* onnx_weight(const InferenceStep& step, const std::string& suffix) {
  for (const InferenceWeight& w : step.weights) {
    if (w.name.ends_with("/" + suffix)) return &w.value;
  }
  return nullptr;
}

std::string onnx_transpose(OnnxGraph& g, const std::string& name, const std::string& x,
                           const std::vector<int64_t>& perm) {
  return g.add("Transpose", name, {x}, {ints_attribute("perm", perm)});
}

Result<std::string> add_onnx_layer(OnnxGraph& g, const InferenceStep& step, const Json& config,
                                   const std::vector<int64_t>& in, const std::string& x) {
  const std::string& c = step.class_name;
  if (config.value("data_format", std::string("channels_last")) != "channels_last") {
    return onnx_refusal(step, "data_format other than channels_last");
  }
  if (c == "Dense") return onnx_dense(g, step, config, x);
  if ((c == "Conv1D" && in.size() == 2) ||
      ((c == "Conv2D" || c == "DepthwiseConv2D" || c == "SeparableConv2D") && in.size() == 3)) {
    return onnx_conv(g, step, config, in, x);
  }
  if ((c == "MaxPooling1D" || c == "AveragePooling1D") && in.size() == 2) {
    return onnx_pool(g, step, config, in, x);
  }
  if ((c == "MaxPooling2D" || c == "AveragePooling2D") && in.size() == 3) {
    return onnx_pool(g, step, config, in, x);
  }
  if (c.starts_with("GlobalAveragePooling") || c.starts_with("GlobalMaxPooling")) {
    return onnx_global_pool(g, step, config, in, x);
  }
  if (c == "BatchNormalization") return onnx_batch_norm(g, step, config, in, x);
  if (c == "Reshape") {
    std::vector<int64_t> shape{-1};
    shape.insert(shape.end(), step.output_shape.begin(), step.output_shape.end());
    return g.add("Reshape", step.name + "/Reshape",
                 {x, g.add_int64_initializer(step.name + "/shape", shape)});
  }
  if (c == "Permute") {
    std::vector<int64_t> perm{0};
    for (int64_t d : config.value("dims", std::vector<int64_t>{})) perm.push_back(d);
    return onnx_transpose(g, step.name + "/Transpose", x, perm);
  }
  if (c == "Embedding") {
    if (config.value("mask_zero", false)) {
      return onnx_refusal(step, "mask_zero (ONNX's recurrent ops take no masks)");
    }
    const Tensor* table = onnx_weight(step, "embeddings");
    if (table == nullptr) return onnx_refusal(step, "it has no embeddings");
    const std::string ids =
        g.add("Cast", step.name + "/ids", {x}, {int_attribute("to", onnx::TensorProto::INT64)});
    return g.add("Gather", step.name + "/Gather",
                 {g.add_initializer(step.name + "/embeddings", *table), ids},
                 {int_attribute("axis", 0)});
  }
  if (c == "LSTM" || c == "GRU") return add_onnx_recurrent(g, step, config, x);
  return onnx_refusal(step,
                      "ONNX exports take Dense, Activation, Flatten, Conv1D, Conv2D, "
                      "DepthwiseConv2D, SeparableConv2D, MaxPooling1D/2D, AveragePooling1D/2D, "
                      "GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D, BatchNormalization, "
                      "Reshape, Permute, Embedding, LSTM and GRU");
}

Result<std::string> add_onnx_merge(OnnxGraph& g, const InferenceStep& step, const Json& config,
                                   const std::vector<std::string>& inputs) {
  const std::string& c = step.class_name;
  // Sum, Mean and Max take any number of inputs; Sub two (Keras's Subtract too).
  static const std::map<std::string, std::string> ops = {
      {"Add", "Sum"}, {"Average", "Mean"}, {"Maximum", "Max"}, {"Subtract", "Sub"}};
  if (const auto op = ops.find(c); op != ops.end()) {
    return g.add(op->second, step.name + "/" + op->second, inputs);
  }
  if (c == "Multiply") {
    std::string y = inputs[0];
    for (size_t i = 1; i < inputs.size(); ++i) {
      y = g.add("Mul", step.name + "/Mul" + (i > 1 ? "_" + std::to_string(i - 1) : ""),
                {y, inputs[i]});
    }
    return y;
  }
  if (c == "Concatenate") {  // Keras's axis counts the batch, as ONNX's does
    return g.add("Concat", step.name + "/Concat", inputs,
                 {int_attribute("axis", config.value("axis", int64_t{-1}))});
  }
  return onnx_refusal(step, "it reads " + std::to_string(inputs.size()) +
                                " inputs; ONNX exports merge with Add, Subtract, Multiply, "
                                "Average, Maximum and Concatenate");
}

}  // namespace cairn::internal
