// The serving graph of an InferenceModel, built from TensorFlow 1.x ops the
// way tf.keras and the canned Estimators name them:
//
//   <feature> Placeholder [-1, w] ... -> input_layer/concat (ConcatV2, axis 1)
//     or <input_name> Placeholder [-1, input_shape...]
//   per dense step: <name>/kernel, <name>/bias (VariableV2 with Initializer,
//     Assign and read), <name>/MatMul, <name>/BiasAdd, <name>/Relu|Tanh|...
//   per flatten step: <name>/Reshape to [-1, width]
//   per other Keras layer: as saved_model_layers.cc writes it (Conv2D, MaxPool, ...)
//   head/predictions/{probabilities, logistic, class_ids, ExpandDims, two_class_logits}
//   init (NoOp running every Assign), save/... (tf.train.Saver, sharded, V2)
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <map>

#include "cairn/core/strings.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/graph/graph_builder.h"
#include "formats/export/inference_model_checks.h"
#include "formats/export/keras_config_layers.h"
#include "formats/export/saved_model_graph.h"

namespace cairn::internal {
namespace {

constexpr DType kFloat = DType::kFloat32;
// Recorded as meta_info_def.meta_graph_version: who wrote the graph.
constexpr char kWriterVersion[] = "cairn-0.1.0";
constexpr char kHead[] = "head/predictions/";

tensorflow::TensorInfo tensor_info(const GraphTensor& t) {
  tensorflow::TensorInfo info;
  info.set_name(t.node + ":0");
  info.set_dtype(to_proto_dtype(t.dtype));
  *info.mutable_tensor_shape() = to_shape_proto(t.dims);
  return info;
}

tensorflow::SignatureDef& serving_signature(ServingGraph& g) {
  return (*g.out.meta_graph.mutable_signature_def())[kDefaultServingSignature];
}

Result<std::string> activation_op(const std::string& activation, const std::string& step) {
  static const std::map<std::string, std::string> ops = {{"linear", ""},   {"relu", "Relu"},
                                                         {"tanh", "Tanh"}, {"sigmoid", "Sigmoid"},
                                                         {"elu", "Elu"},   {"softmax", "Softmax"}};
  auto it = ops.find(activation);
  if (it == ops.end()) {
    return invalid_argument_error("SavedModel export: step '" + step +
                                  "' has an unsupported activation \"" + activation + "\"");
  }
  return it->second;
}

GraphTensor concat_features(ServingGraph& g, const std::vector<GraphTensor>& features) {
  if (features.size() == 1) return features[0];
  std::vector<std::string> inputs;
  int64_t width = 0;
  for (const auto& f : features) {
    inputs.push_back(f.node);
    width = width < 0 || f.dims[1] < 0 ? -1 : width + f.dims[1];
  }
  const auto n = static_cast<int64_t>(features.size());
  inputs.push_back(g.b.constant("input_layer/concat/axis", Tensor::scalar<int32_t>(1)).name());
  const std::string concat =
      g.b.op("input_layer/concat", "ConcatV2", std::move(inputs),
             {{"N", int_attr(n)}, {"T", type_attr(kFloat)}, {"Tidx", type_attr(DType::kInt32)}})
          .name();
  return {concat, {-1, width}};
}

Result<GraphTensor> add_inputs(ServingGraph& g, const InferenceModel& m) {
  auto& inputs = *serving_signature(g).mutable_inputs();
  if (m.feature_names.empty()) {
    std::vector<int64_t> dims = {-1};
    dims.insert(dims.end(), m.input_shape.begin(), m.input_shape.end());
    GraphTensor x{g.b.placeholder(valid_node_name(m.input_name), kFloat, dims).name(), dims};
    inputs[m.input_name] = tensor_info(x);
    return x;
  }
  if (m.feature_names.size() != m.feature_widths.size()) {
    return invalid_argument_error("SavedModel export: " + std::to_string(m.feature_names.size()) +
                                  " feature names but " + std::to_string(m.feature_widths.size()) +
                                  " feature widths");
  }
  std::vector<GraphTensor> features;
  for (size_t i = 0; i < m.feature_names.size(); ++i) {
    std::vector<int64_t> dims = {-1, m.feature_widths[i]};
    GraphTensor f{g.b.placeholder(valid_node_name(m.feature_names[i]), kFloat, dims).name(), dims};
    inputs[m.feature_names[i]] = tensor_info(f);
    features.push_back(f);
  }
  return concat_features(g, features);
}

}  // namespace

// A VariableV2 holding `value`, with TensorFlow's initializer, Assign and read
// nodes; returns the read (Identity) node.
std::string add_variable(ServingGraph& g, const std::string& name, const Tensor& value) {
  const std::string var = g.b.variable(name, kFloat, value.shape()).name();
  auto& init =
      g.b.constant(var + "/Initializer/zeros", filled_tensor_proto(kFloat, value.shape(), 0.0));
  colocate_with(init, var);
  g.assigns.push_back(g.b.assign(var, init.name()).name());
  auto& read = g.b.identity(var + "/read", var, kFloat);
  colocate_with(read, var);
  g.saveables.push_back({var, var, read.name(), kFloat});
  g.out.variables.emplace_back(var, value);
  return read.name();
}

Result<GraphTensor> add_graph_activation(ServingGraph& g, const std::string& scope,
                                         const std::string& activation, GraphTensor x) {
  CAIRN_ASSIGN_OR_RETURN(std::string op, activation_op(activation, scope));
  if (op.empty()) return x;
  x.node = g.b.op(scope + "/" + op, op, {x.node}, {{"T", type_attr(kFloat)}}).name();
  return x;
}

namespace {

Status check_dense_input(const InferenceStep& s, const GraphTensor& x) {
  const std::string where = "SavedModel export: dense step '" + s.name + "'";
  if (x.dims.size() != 2) {
    return invalid_argument_error(where + " needs a 2-D input, not rank " +
                                  std::to_string(x.dims.size()) + " (add a flatten step)");
  }
  if (s.kernel.dtype() != kFloat || s.kernel.shape().rank() != 2) {
    return invalid_argument_error(where + ": kernel must be float32 [inputs, units], not " +
                                  std::string(dtype_name(s.kernel.dtype())) + " " +
                                  s.kernel.shape().to_string());
  }
  if (x.dims[1] >= 0 && s.kernel.shape().dim(0) != x.dims[1]) {
    return invalid_argument_error(where + ": kernel " + s.kernel.shape().to_string() +
                                  " does not fit an input of width " + std::to_string(x.dims[1]));
  }
  if (s.has_bias() &&
      (s.bias.dtype() != kFloat || s.bias.shape() != TensorShape{s.kernel.shape().dim(1)})) {
    return invalid_argument_error(where + ": bias " + s.bias.shape().to_string() +
                                  " does not match kernel " + s.kernel.shape().to_string());
  }
  return ok_status();
}

Result<GraphTensor> add_dense(ServingGraph& g, const InferenceStep& s, GraphTensor x) {
  CAIRN_RETURN_IF_ERROR(check_dense_input(s, x));
  const std::string scope = valid_node_name(s.name);
  const std::string kernel = add_variable(g, scope + "/kernel", s.kernel);
  x = {g.b.matmul(scope + "/MatMul", x.node, kernel, kFloat).name(), {-1, s.kernel.shape().dim(1)}};
  if (s.has_bias()) {
    const std::string bias = add_variable(g, scope + "/bias", s.bias);
    x.node = g.b.bias_add(scope + "/BiasAdd", x.node, bias, kFloat).name();
  }
  return add_graph_activation(g, scope, s.activation, std::move(x));
}

GraphTensor add_flatten(ServingGraph& g, const InferenceStep& s, const GraphTensor& x) {
  int64_t width = 1;
  for (size_t i = 1; i < x.dims.size(); ++i)
    width = width < 0 || x.dims[i] < 0 ? -1 : width * x.dims[i];
  const std::string scope = valid_node_name(s.name);
  const std::vector<int32_t> dims = {-1, static_cast<int32_t>(width)};
  const std::string shape = g.b.constant(scope + "/Const", Tensor::from_vector(dims, {2})).name();
  const std::string node = g.b.op(scope + "/Reshape", "Reshape", {x.node, shape},
                                  {{"T", type_attr(kFloat)}, {"Tshape", type_attr(DType::kInt32)}})
                               .name();
  return {node, {-1, width}};
}

Result<GraphTensor> add_steps(ServingGraph& g, const InferenceModel& m, GraphTensor x) {
  if (m.steps.empty()) return invalid_argument_error("SavedModel export: the model has no steps");
  CAIRN_ASSIGN_OR_RETURN(auto configs, keras_layer_configs(m));
  const InferenceStep* previous = nullptr;
  for (const InferenceStep& s : m.steps) {
    const std::string reads_previous = previous == nullptr ? m.input_name : previous->name;
    if (!s.inputs.empty() && s.inputs != std::vector<std::string>{reads_previous}) {
      return unimplemented_error("layer '" + s.name + "' (" +
                                 (s.class_name.empty() ? "step" : s.class_name) + ") reads '" +
                                 join(s.inputs, "', '") +
                                 "': SavedModel exports take a chain of layers, each reading "
                                 "the one before");
    }
    previous = &s;
    switch (s.kind) {
      case InferenceStep::Kind::kDense: {
        CAIRN_ASSIGN_OR_RETURN(x, add_dense(g, s, std::move(x)));
        break;
      }
      case InferenceStep::Kind::kActivation: {
        CAIRN_ASSIGN_OR_RETURN(x,
                               add_graph_activation(g, valid_node_name(s.name), s.activation, x));
        break;
      }
      case InferenceStep::Kind::kFlatten:
        x = add_flatten(g, s, x);
        break;
      case InferenceStep::Kind::kLayer: {
        const auto config = configs.find(s.name);
        if (config == configs.end()) {
          return invalid_argument_error("SavedModel export: layer '" + s.name +
                                        "' has no layer of that name in keras_model_config");
        }
        CAIRN_ASSIGN_OR_RETURN(x, add_serving_layer(g, s, config->second, std::move(x)));
        break;
      }
    }
  }
  return x;
}

// The head's node `kind` (built on first use): the scores classes are chosen
// from (a binary head's [0, logit]), probabilities, logistic, class ids.
std::string head_node(ServingGraph& g, const std::string& kind, const std::string& y, bool binary) {
  if (auto it = g.head.find(kind); it != g.head.end()) return it->second;
  const auto t = type_attr(kFloat);
  const std::string h = kHead;
  std::string node;
  if (kind == "scores" && !binary) {
    node = y;
  } else if (kind == "scores") {
    const std::string zeros = g.b.op(h + "zeros_like", "ZerosLike", {y}, {{"T", t}}).name();
    const std::string axis =
        g.b.constant(h + "two_class_logits/axis", Tensor::scalar<int32_t>(-1)).name();
    node = g.b.op(h + "two_class_logits", "ConcatV2", {zeros, y, axis},
                  {{"N", int_attr(2)}, {"T", t}, {"Tidx", type_attr(DType::kInt32)}})
               .name();
  } else if (kind == "probabilities") {
    node = g.b.op(h + kind, "Softmax", {head_node(g, "scores", y, binary)}, {{"T", t}}).name();
  } else if (kind == "logistic") {
    node = g.b.op(h + kind, "Sigmoid", {y}, {{"T", t}}).name();
  } else {  // class_ids: ArgMax over the scores, as a column
    const std::string dim =
        g.b.constant(h + "class_ids/dimension", Tensor::scalar<int32_t>(-1)).name();
    const std::string ids =
        g.b.op(h + "class_ids", "ArgMax", {head_node(g, "scores", y, binary), dim},
               {{"T", t},
                {"Tidx", type_attr(DType::kInt32)},
                {"output_type", type_attr(DType::kInt64)}})
            .name();
    const std::string axis = g.b.constant(h + "ExpandDims/dim", Tensor::scalar<int32_t>(-1)).name();
    node = g.b.op(h + "ExpandDims", "ExpandDims", {ids, axis},
                  {{"T", type_attr(DType::kInt64)}, {"Tdim", type_attr(DType::kInt32)}})
               .name();
  }
  g.head[kind] = node;
  return node;
}

Status add_outputs(ServingGraph& g, const InferenceModel& m, const GraphTensor& y) {
  if (m.outputs.empty())
    return invalid_argument_error("SavedModel export: the model has no outputs");
  const int64_t width = y.dims.back();
  if (m.binary_head && width != 1) {
    return invalid_argument_error("SavedModel export: a binary head needs one logit, not " +
                                  std::to_string(width));
  }
  auto& outputs = *serving_signature(g).mutable_outputs();
  for (const InferenceOutput& o : m.outputs) {
    using Kind = InferenceOutput::Kind;
    GraphTensor t = y;
    if (o.kind == Kind::kProbabilities) {
      t = {head_node(g, "probabilities", y.node, m.binary_head), {-1, m.binary_head ? 2 : width}};
    } else if (o.kind == Kind::kLogistic) {
      t = {head_node(g, "logistic", y.node, m.binary_head), y.dims};
    } else if (o.kind == Kind::kClassIds) {
      t = {head_node(g, "class_ids", y.node, m.binary_head), {-1, 1}, DType::kInt64};
    }
    outputs[o.name] = tensor_info(t);
  }
  return ok_status();
}

// TensorFlow's VariableDef (variable.proto: variable_name = 1,
// initializer_name = 2, snapshot_name = 3, trainable = 7), encoded by hand
// because cairn declares no variable.proto.
std::string variable_def(const SaverVariable& v, const std::string& assign) {
  std::string out;
  google::protobuf::io::StringOutputStream raw(&out);
  google::protobuf::io::CodedOutputStream s(&raw);
  for (const auto& [field, value] :
       {std::pair<uint32_t, std::string>{1, v.variable + ":0"}, {2, assign}, {3, v.value + ":0"}}) {
    s.WriteTag(field << 3 | 2);
    s.WriteVarint32(static_cast<uint32_t>(value.size()));
    s.WriteString(value);
  }
  s.WriteTag(7 << 3 | 0);
  s.WriteVarint32(1);
  s.Trim();
  return out;
}

void finish_meta_graph(ServingGraph& g) {
  tensorflow::MetaGraphDef& meta = g.out.meta_graph;
  auto& collections = *meta.mutable_collection_def();
  for (size_t i = 0; i < g.saveables.size(); ++i) {
    const std::string def = variable_def(g.saveables[i], g.assigns[i]);
    collections["variables"].mutable_bytes_list()->add_value(def);
    collections["trainable_variables"].mutable_bytes_list()->add_value(def);
  }
  g.b.no_op("init", g.assigns);
  add_sharded_saver(g.b, g.saveables);
  meta.mutable_meta_info_def()->set_meta_graph_version(kWriterVersion);
  meta.mutable_meta_info_def()->add_tags(kSavedModelServeTag);
  *meta.mutable_graph_def() = g.b.release();
  *meta.mutable_saver_def() = sharded_saver_def();
  serving_signature(g).set_method_name(kPredictMethodName);
}

}  // namespace

Result<ServingExport> build_serving_export(const InferenceModel& model) {
  CAIRN_RETURN_IF_ERROR(check_inference_model(model).status().with_context("SavedModel export"));
  ServingGraph g;
  CAIRN_ASSIGN_OR_RETURN(GraphTensor x, add_inputs(g, model));
  CAIRN_ASSIGN_OR_RETURN(GraphTensor y, add_steps(g, model, std::move(x)));
  CAIRN_RETURN_IF_ERROR(add_outputs(g, model, y));
  finish_meta_graph(g);
  for (const std::string& key : model.column_order) {
    (*g.out.meta_graph.mutable_collection_def())[kFeatureColumnsCollection]
        .mutable_bytes_list()
        ->add_value(key);
  }
  return std::move(g.out);
}

}  // namespace cairn::internal
