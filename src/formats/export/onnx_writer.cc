// Writes an InferenceModel as an ONNX model (ONNX's onnx/onnx.proto; our
// declaration of its messages is proto/cairn/proto/onnx.proto).
//
// Layout: the file is one serialized onnx.ModelProto:
//   ir_version 8, opset_import [{domain: "", version: 13}], producer_name "cairn"
//   metadata_props  feature_names "a,b" and feature_widths "2,1" (Estimators only)
//   graph           name: model.name
//     input         <input_name>: float [batch, input_shape...] ("batch" symbolic)
//     initializer   "<layer>/kernel" float [inputs, units], "<layer>/bias" float [units]
//                   as raw little-endian bytes; scalar constants "<output>/one", "/zero"
//     node          per step, in order, each value named after the node making it:
//                     Flatten     <layer>/Flatten = Flatten(x, axis=1)
//                     Dense       <layer>/Gemm = Gemm(x, kernel, bias), or
//                                 <layer>/MatMul = MatMul(x, kernel) without a bias
//                     activation  <layer>/Relu, /Tanh, /Sigmoid, /Elu (alpha 1),
//                                 /Softmax (axis -1); nothing for "linear"
//                     other Keras layers (kLayer steps: Conv, pooling,
//                                 BatchNormalization, LSTM, GRU, Embedding, ...)
//                                 as onnx_layers.h writes them, their
//                                 settings read from keras_model_config
//                   per output, from the last value y, ending in the output's name:
//                     activations, logits  Identity(y)
//                     probabilities        Softmax(y, axis=-1); binary head:
//                                          p = Sigmoid(y), Concat(Sub(1, p), p, axis=1)
//                     logistic             Sigmoid(y)
//                     class_ids            ArgMax(y, axis=1, keepdims=1); binary head:
//                                          Cast(Greater(y, 0), to=INT64)
//     output        <output name>: float [batch, ...] or int64 [batch, 1]
#include <bit>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cairn/core/strings.h"
#include "cairn/formats/export/onnx_model.h"
#include "cairn/proto/onnx.pb.h"
#include "formats/export/inference_model_checks.h"
#include "formats/export/keras_config_layers.h"
#include "formats/export/onnx_graph.h"
#include "formats/export/onnx_layers.h"

namespace cairn {
namespace {

using Json = nlohmann::json;
using internal::add_onnx_activation;
using internal::int_attribute;
using internal::OnnxGraph;

static_assert(std::endian::native == std::endian::little, "raw_data holds little-endian floats");

constexpr int64_t kIrVersion = 8;
constexpr int64_t kOpsetVersion = 13;

// The shape (without the batch) of `step`'s output on an input of `shape`.
std::vector<int64_t> onnx_step_shape(const InferenceStep& step, std::vector<int64_t> shape) {
  switch (step.kind) {
    case InferenceStep::Kind::kDense:
      return {step.kernel.shape().dim(1)};
    case InferenceStep::Kind::kFlatten:
      return {TensorShape(shape).num_elements()};
    case InferenceStep::Kind::kActivation:
      return shape;
    case InferenceStep::Kind::kLayer:
      return step.output_shape;
  }
  return shape;
}

// A value of the graph being built and its shape without the batch.
struct OnnxValue {
  std::string name;
  std::vector<int64_t> shape;
};

Result<std::string> add_step(OnnxGraph& g, const InferenceStep& step,
                             const std::vector<OnnxValue>& inputs,
                             const std::map<std::string, Json>& configs) {
  const std::string& x = inputs[0].name;
  const std::vector<int64_t>& shape = inputs[0].shape;
  switch (step.kind) {
    case InferenceStep::Kind::kFlatten:
      return g.add("Flatten", step.name + "/Flatten", {x}, {int_attribute("axis", 1)});
    case InferenceStep::Kind::kActivation:
      return add_onnx_activation(g, step.name, step.activation, x);
    case InferenceStep::Kind::kLayer: {
      const auto config = configs.find(step.name);
      if (config == configs.end()) {
        return invalid_argument_error("layer '" + step.name +
                                      "' has no layer of that name in keras_model_config");
      }
      if (inputs.size() > 1) {
        std::vector<std::string> names;
        for (const OnnxValue& v : inputs) names.push_back(v.name);
        return internal::add_onnx_merge(g, step, config->second, names);
      }
      return internal::add_onnx_layer(g, step, config->second, shape, x);
    }
    case InferenceStep::Kind::kDense:
      break;
  }
  const std::string kernel = g.add_initializer(step.name + "/kernel", step.kernel);
  const std::string y = step.has_bias()
                            ? g.add("Gemm", step.name + "/Gemm",
                                    {x, kernel, g.add_initializer(step.name + "/bias", step.bias)})
                            : g.add("MatMul", step.name + "/MatMul", {x, kernel});
  return add_onnx_activation(g, step.name, step.activation, y);
}

// Adds the nodes computing `out` from the last value `y`.
void add_output(OnnxGraph& g, const InferenceOutput& out, bool binary_head, const std::string& y) {
  const std::string& name = out.name;
  switch (out.kind) {
    case InferenceOutput::Kind::kActivations:
    case InferenceOutput::Kind::kLogits:
      g.add("Identity", name, {y});
      return;
    case InferenceOutput::Kind::kLogistic:
      g.add("Sigmoid", name, {y});
      return;
    case InferenceOutput::Kind::kProbabilities: {
      if (!binary_head) {
        g.add("Softmax", name, {y}, {int_attribute("axis", -1)});
        return;
      }
      const std::string p = g.add("Sigmoid", name + "/Sigmoid", {y});
      const std::string one = g.add_initializer(name + "/one", Tensor::scalar(1.0f));
      const std::string q = g.add("Sub", name + "/Sub", {one, p});
      g.add("Concat", name, {q, p}, {int_attribute("axis", 1)});
      return;
    }
    case InferenceOutput::Kind::kClassIds: {
      if (!binary_head) {
        g.add("ArgMax", name, {y}, {int_attribute("axis", 1), int_attribute("keepdims", 1)});
        return;
      }
      const std::string zero = g.add_initializer(name + "/zero", Tensor::scalar(0.0f));
      const std::string positive = g.add("Greater", name + "/Greater", {y, zero});
      g.add("Cast", name, {positive}, {int_attribute("to", onnx::TensorProto::INT64)});
      return;
    }
  }
}

// A tensor value of `elem_type` and shape [batch, dims...].
void set_value_info(onnx::ValueInfoProto& info, const std::string& name, int elem_type,
                    const std::vector<int64_t>& dims) {
  info.set_name(name);
  onnx::TypeProto::Tensor* tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  onnx::TensorShapeProto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

void declare_output(onnx::GraphProto& graph, const InferenceOutput& out, bool binary_head,
                    const std::vector<int64_t>& y_dims) {
  onnx::ValueInfoProto& info = *graph.add_output();
  switch (out.kind) {
    case InferenceOutput::Kind::kClassIds:
      return set_value_info(info, out.name, onnx::TensorProto::INT64, {1});
    case InferenceOutput::Kind::kProbabilities:
      return set_value_info(info, out.name, onnx::TensorProto::FLOAT,
                            binary_head ? std::vector<int64_t>{2} : y_dims);
    default:
      return set_value_info(info, out.name, onnx::TensorProto::FLOAT, y_dims);
  }
}

// Every value (input, initializer, node output) must have one producer.
Status check_value_names(const onnx::GraphProto& graph) {
  std::set<std::string> names{graph.input(0).name()};
  auto claim = [&names](const std::string& name) -> Status {
    if (names.insert(name).second) return ok_status();
    return invalid_argument_error("the value name '" + name +
                                  "' is made twice (rename the layer or output it comes from)");
  };
  for (const onnx::TensorProto& init : graph.initializer())
    CAIRN_RETURN_IF_ERROR(claim(init.name()));
  for (const onnx::NodeProto& node : graph.node()) {
    for (const std::string& output : node.output()) CAIRN_RETURN_IF_ERROR(claim(output));
  }
  return ok_status();
}

void add_metadata(onnx::ModelProto& proto, const std::string& key, const std::string& value) {
  onnx::StringStringEntryProto* entry = proto.add_metadata_props();
  entry->set_key(key);
  entry->set_value(value);
}

Result<onnx::ModelProto> build_model_proto(const InferenceModel& model) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> y_dims, internal::check_inference_model(model));
  CAIRN_ASSIGN_OR_RETURN(auto configs, internal::keras_layer_configs(model));
  onnx::ModelProto proto;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("cairn");
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);
  if (!model.feature_names.empty()) {
    add_metadata(proto, "feature_names", join(model.feature_names, ","));
    add_metadata(proto, "feature_widths", join(model.feature_widths, ","));
  }
  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name(model.name);
  set_value_info(*graph.add_input(), model.input_name, onnx::TensorProto::FLOAT, model.input_shape);
  OnnxGraph g(graph);
  // Each step's value by step name; the last one is the model's result.
  std::map<std::string, OnnxValue> values{
      {model.input_name, {model.input_name, model.input_shape}}};
  OnnxValue last = values[model.input_name];
  for (const InferenceStep& step : model.steps) {
    std::vector<OnnxValue> inputs;
    for (const std::string& input : step.inputs) inputs.push_back(values.at(input));
    if (inputs.empty()) inputs.push_back(last);
    CAIRN_ASSIGN_OR_RETURN(std::string y, add_step(g, step, inputs, configs));
    last = {y, onnx_step_shape(step, inputs[0].shape)};
    values[step.name] = last;
  }
  const std::string y = last.name;
  for (const InferenceOutput& out : model.outputs) {
    add_output(g, out, model.binary_head, y);
    declare_output(graph, out, model.binary_head, y_dims);
  }
  CAIRN_RETURN_IF_ERROR(check_value_names(graph).with_context("model '" + model.name + "'"));
  return proto;
}

}  // namespace

Status write_onnx_model(FileSystem& fs, const std::string& path, const InferenceModel& model) {
  Result<onnx::ModelProto> proto = invalid_argument_error("");
  try {
    proto = build_model_proto(model);
  } catch (const Json::exception& e) {  // a layer config value of an unexpected JSON type
    return invalid_argument_error(path + ": model '" + model.name +
                                  "': keras_model_config: " + e.what());
  }
  if (!proto.ok()) return proto.status().with_context(path);
  std::string bytes;
  if (!proto->SerializeToString(&bytes)) {
    return internal_error(path + ": the ONNX model does not serialize (over 2 GiB?)");
  }
  return fs.write_file_atomically(path, bytes);
}

}  // namespace cairn
