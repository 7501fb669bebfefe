// Keras layers as TensorFlow ops in the serving graph (saved_model_graph.h),
// named as tf.keras names them, on NHWC tensors as Keras keeps them:
//   Conv2D              <name>/kernel [kh, kw, in, out] (Keras's layout is
//                       TensorFlow's), <name>/Conv2D, <name>/BiasAdd, activation
//   MaxPooling2D        <name>/MaxPool {ksize, strides [1, s, s, 1], padding}
//   AveragePooling2D    <name>/AvgPool (SAME averages what is inside, as Keras)
//   BatchNormalization  <name>/FusedBatchNormV3 (is_training false) on 4-D values
//   GlobalAveragePooling2D, GlobalMaxPooling2D  <name>/Mean, /Max over axes 1, 2
//   Reshape             <name>/Reshape to [-1, target...]
#include "formats/export/saved_model_graph.h"

namespace cairn::internal {
namespace {

using Json = nlohmann::json;

Status serving_refusal(const InferenceStep& s, const std::string& what) {
  return unimplemented_error("layer '" + s.name + "' (" + s.class_name +
                             ") cannot be exported to SavedModel: " + what);
}

const Tensor* serving_weight(const InferenceStep& s, const std::string& suffix) {
  for (const InferenceWeight& w : s.weights) {
    if (w.name.ends_with("/" + suffix)) return &w.value;
  }
  return nullptr;
}

tensorflow::AttrValue serving_ints_attr(const std::vector<int64_t>& values) {
  tensorflow::AttrValue a;
  for (int64_t v : values) a.mutable_list()->add_i(v);
  return a;
}

// Keras's [a, b] (or one int) as TensorFlow's NHWC [1, a, b, 1].
std::vector<int64_t> serving_window(const Json& config, const char* key, int64_t fallback) {
  const Json& v = config.value(key, Json());
  if (v.is_number_integer()) return {1, v.get<int64_t>(), v.get<int64_t>(), 1};
  if (v.is_array() && v.size() == 2) return {1, v[0].get<int64_t>(), v[1].get<int64_t>(), 1};
  return {1, fallback, fallback, 1};
}

Result<std::string> serving_padding(const InferenceStep& s, const Json& config) {
  const std::string padding = config.value("padding", std::string("valid"));
  if (padding == "valid") return std::string("VALID");
  if (padding == "same") return std::string("SAME");
  return serving_refusal(s, "padding '" + padding + "'");
}

std::string serving_activation(const Json& config) {
  const Json& a = config.value("activation", Json("linear"));
  return a.is_string() ? a.get<std::string>() : "";
}

GraphTensor serving_shaped(std::string node, const InferenceStep& s) {
  std::vector<int64_t> dims{-1};
  dims.insert(dims.end(), s.output_shape.begin(), s.output_shape.end());
  return {std::move(node), std::move(dims)};
}

Result<GraphTensor> serving_conv2d(ServingGraph& g, const InferenceStep& s, const Json& config,
                                   const GraphTensor& x) {
  const Tensor* kernel = serving_weight(s, "kernel");
  if (kernel == nullptr) return serving_refusal(s, "it has no kernel");
  CAIRN_ASSIGN_OR_RETURN(std::string padding, serving_padding(s, config));
  const std::string scope = valid_node_name(s.name);
  const std::string k = add_variable(g, scope + "/kernel", *kernel);
  std::string y =
      g.b.op(scope + "/Conv2D", "Conv2D", {x.node, k},
             {{"T", type_attr(DType::kFloat32)},
              {"strides", serving_ints_attr(serving_window(config, "strides", 1))},
              {"padding", string_attr(padding)},
              {"dilations", serving_ints_attr(serving_window(config, "dilation_rate", 1))},
              {"data_format", string_attr("NHWC")},
              {"use_cudnn_on_gpu", bool_attr(true)}})
          .name();
  if (const Tensor* bias = serving_weight(s, "bias")) {
    y = g.b.bias_add(scope + "/BiasAdd", y, add_variable(g, scope + "/bias", *bias),
                     DType::kFloat32)
            .name();
  }
  const std::string activation = serving_activation(config);
  if (!is_known_activation(activation))
    return serving_refusal(s, "the activation '" + activation + "'");
  return add_graph_activation(g, scope, activation, serving_shaped(y, s));
}

Result<GraphTensor> serving_pool(ServingGraph& g, const InferenceStep& s, const Json& config,
                                 const GraphTensor& x) {
  CAIRN_ASSIGN_OR_RETURN(std::string padding, serving_padding(s, config));
  const std::vector<int64_t> ksize = serving_window(config, "pool_size", 2);
  const bool strided = !config.value("strides", Json()).is_null();
  const std::string op = s.class_name == "MaxPooling2D" ? "MaxPool" : "AvgPool";
  const std::string scope = valid_node_name(s.name);
  return serving_shaped(
      g.b.op(scope + "/" + op, op, {x.node},
             {{"T", type_attr(DType::kFloat32)},
              {"ksize", serving_ints_attr(ksize)},
              {"strides",
               serving_ints_attr(strided ? serving_window(config, "strides", 1) : ksize)},
              {"padding", string_attr(padding)},
              {"data_format", string_attr("NHWC")}})
          .name(),
      s);
}

Tensor serving_filled(int64_t n, float value) {
  Tensor t(DType::kFloat32, TensorShape{n});
  for (float& v : t.flat<float>()) v = value;
  return t;
}

Result<GraphTensor> serving_batch_norm(ServingGraph& g, const InferenceStep& s, const Json& config,
                                       const GraphTensor& x) {
  const Json axis = config.value("axis", Json(-1));
  if (x.dims.size() != 4 || (axis != Json(-1) && axis != Json(3) && axis != Json::array({-1}) &&
                             axis != Json::array({3}))) {
    return serving_refusal(s,
                           "FusedBatchNormV3 normalizes the channels of images (rank 4, last "
                           "axis), got rank " +
                               std::to_string(x.dims.size()) + " axis " + axis.dump());
  }
  const Tensor* mean = serving_weight(s, "moving_mean");
  const Tensor* variance = serving_weight(s, "moving_variance");
  if (mean == nullptr || variance == nullptr)
    return serving_refusal(s, "it has no moving statistics");
  const int64_t c = mean->num_elements();
  const Tensor* gamma = serving_weight(s, "gamma");
  const Tensor* beta = serving_weight(s, "beta");
  const std::string scope = valid_node_name(s.name);
  const std::vector<std::string> inputs{
      x.node, add_variable(g, scope + "/gamma", gamma != nullptr ? *gamma : serving_filled(c, 1)),
      add_variable(g, scope + "/beta", beta != nullptr ? *beta : serving_filled(c, 0)),
      add_variable(g, scope + "/moving_mean", *mean),
      add_variable(g, scope + "/moving_variance", *variance)};
  return serving_shaped(g.b.op(scope + "/FusedBatchNormV3", "FusedBatchNormV3", inputs,
                               {{"T", type_attr(DType::kFloat32)},
                                {"U", type_attr(DType::kFloat32)},
                                {"epsilon", float_attr(config.value("epsilon", 1e-3f))},
                                {"exponential_avg_factor", float_attr(1.0f)},
                                {"data_format", string_attr("NHWC")},
                                {"is_training", bool_attr(false)}})
                            .name(),
                        s);
}

Result<GraphTensor> serving_global_pool(ServingGraph& g, const InferenceStep& s, const Json& config,
                                        const GraphTensor& x) {
  if (x.dims.size() != 4) return serving_refusal(s, "it needs an image input");
  const bool keepdims = config.value("keepdims", false);
  const std::string op = s.class_name == "GlobalMaxPooling2D" ? "Max" : "Mean";
  const std::string scope = valid_node_name(s.name);
  const std::string axes =
      g.b.constant(scope + "/Const", Tensor::from_vector(std::vector<int32_t>{1, 2}, {2})).name();
  return serving_shaped(g.b.op(scope + "/" + op, op, {x.node, axes},
                               {{"T", type_attr(DType::kFloat32)},
                                {"Tidx", type_attr(DType::kInt32)},
                                {"keep_dims", bool_attr(keepdims)}})
                            .name(),
                        s);
}

GraphTensor serving_reshape(ServingGraph& g, const InferenceStep& s, const GraphTensor& x) {
  std::vector<int32_t> target{-1};
  for (int64_t d : s.output_shape) target.push_back(static_cast<int32_t>(d));
  const std::string scope = valid_node_name(s.name);
  const int64_t n = static_cast<int64_t>(target.size());
  const std::string shape = g.b.constant(scope + "/Const", Tensor::from_vector(target, {n})).name();
  return serving_shaped(
      g.b.op(scope + "/Reshape", "Reshape", {x.node, shape},
             {{"T", type_attr(DType::kFloat32)}, {"Tshape", type_attr(DType::kInt32)}})
          .name(),
      s);
}

}  // namespace

Result<GraphTensor> add_serving_layer(ServingGraph& g, const InferenceStep& s, const Json& config,
                                      GraphTensor x) {
  const std::string& c = s.class_name;
  if (config.value("data_format", std::string("channels_last")) != "channels_last") {
    return serving_refusal(s, "data_format other than channels_last");
  }
  if (c == "Conv2D") return serving_conv2d(g, s, config, x);
  if (c == "MaxPooling2D" || c == "AveragePooling2D") return serving_pool(g, s, config, x);
  if (c == "BatchNormalization") return serving_batch_norm(g, s, config, x);
  if (c == "GlobalAveragePooling2D" || c == "GlobalMaxPooling2D") {
    return serving_global_pool(g, s, config, x);
  }
  if (c == "Reshape") return serving_reshape(g, s, x);
  return serving_refusal(s,
                         "SavedModel exports take Dense, Activation, Flatten, Conv2D, "
                         "MaxPooling2D, AveragePooling2D, BatchNormalization (on images), "
                         "GlobalAveragePooling2D, GlobalMaxPooling2D and Reshape");
}

}  // namespace cairn::internal
