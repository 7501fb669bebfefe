// Sequential -> InferenceModel: what the exporters need from a Keras model.
#include "cairn/core/errors.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "formats/export/inference_model_checks.h"
#include "keras/model_graph.h"
#include "keras/saving/model_config.h"

namespace cairn::keras {
namespace {

// The first weight of `layer` named "<layer>/<suffix>", or an empty Tensor.
Tensor weight_copy(Layer& layer, const std::string& suffix) {
  for (nn::Variable* v : layer.weights()) {
    if (v->name == layer.name() + "/" + suffix) return v->value;
  }
  return Tensor();
}

// Any layer as a kLayer step: its class, output shape and Keras-named weights.
InferenceStep layer_step(Layer& layer) {
  InferenceStep step{.kind = InferenceStep::Kind::kLayer,
                     .name = layer.name(),
                     .class_name = layer.class_name(),
                     .output_shape = layer.output_shape()};
  for (nn::Variable* v : layer.weights()) step.weights.push_back({v->name, v->value});
  return step;
}

// The step of `layer`, whose input has `input_shape`: Dense (on a flat input)
// and Activation with an activation every exporter knows, and Flatten, as
// their own kinds; any other layer as a kLayer step.
InferenceStep step_of(Layer& layer, const Shape& input_shape) {
  const std::string kind = layer.class_name();
  const std::string activation(nn::activation_name(layer.final_activation()));
  const bool plain = cairn::internal::is_known_activation(activation);
  if (kind == "Dense" && plain && input_shape.size() == 1) {
    return InferenceStep{.kind = InferenceStep::Kind::kDense,
                         .name = layer.name(),
                         .kernel = weight_copy(layer, "kernel"),
                         .bias = weight_copy(layer, "bias"),
                         .activation = activation};
  }
  if (kind == "Activation" && plain) {
    return InferenceStep{
        .kind = InferenceStep::Kind::kActivation, .name = layer.name(), .activation = activation};
  }
  if (kind == "Flatten") {
    return InferenceStep{.kind = InferenceStep::Kind::kFlatten, .name = layer.name()};
  }
  return layer_step(layer);
}

// Layers that are the identity at inference, left out of the steps (their
// configs stay in the model's Keras config).
bool is_identity_at_inference(const std::string& class_name) {
  return class_name == "Dropout" || class_name == "SpatialDropout1D" ||
         class_name == "SpatialDropout2D" || class_name == "GaussianNoise";
}

}  // namespace

InferenceModel Sequential::inference_model() {
  if (!built_) {
    throw FailedPreconditionError("model '" + name_ +
                                  "' is not built yet: give it an input shape or fit it first");
  }
  InferenceModel m;
  m.name = name_;
  m.input_name = layers_.empty() ? "input_1" : layers_[0]->name() + "_input";
  m.input_shape = input_shape_;
  Shape shape = input_shape_;
  for (const LayerPtr& layer : layers_) {
    if (!is_identity_at_inference(layer->class_name())) m.steps.push_back(step_of(*layer, shape));
    shape = layer->output_shape();
  }
  const std::string output = layers_.empty() ? m.input_name : layers_.back()->name();
  m.outputs = {{.name = output, .kind = InferenceOutput::Kind::kActivations}};
  m.keras_model_config = internal::model_config_json(*this).dump();
  m.is_keras_model = true;
  if (compiled()) m.keras_training_config = internal::training_config_json(*this).dump();
  return m;
}

InferenceModel Model::inference_model() {
  const internal::ModelGraph& graph = internal::graph_of(*this);
  if (graph.input_nodes().size() != 1 || graph.output_nodes().size() != 1) {
    throw UnimplementedError("model '" + name_ + "' has " +
                             std::to_string(graph.input_nodes().size()) + " inputs and " +
                             std::to_string(graph.output_nodes().size()) +
                             " outputs: exports take models of one input and one output");
  }
  const std::vector<internal::GraphNode>& nodes = graph.nodes();
  const internal::GraphNode& input = nodes[graph.input_nodes()[0]];
  InferenceModel m;
  m.name = name_;
  m.input_name = input.layer->name();
  m.input_shape = input.shape;
  std::vector<std::string> value_of(nodes.size());  // the step (or input) holding each node's value
  value_of[graph.input_nodes()[0]] = m.input_name;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const internal::GraphNode& node = nodes[i];
    if (node.inputs.empty()) continue;  // the Input
    if (node.shared) {
      throw UnimplementedError("layer '" + node.layer->name() +
                               "' is called more than once: exports take each layer once");
    }
    std::vector<std::string> reads;
    for (size_t j : node.inputs) reads.push_back(value_of[j]);
    if (is_identity_at_inference(node.layer->class_name())) {
      value_of[i] = reads[0];
      continue;
    }
    InferenceStep step = step_of(*node.layer, nodes[node.inputs[0]].shape);
    step.inputs = std::move(reads);
    value_of[i] = step.name;
    m.steps.push_back(std::move(step));
  }
  const std::string& output = value_of[graph.output_nodes()[0]];
  if (m.steps.empty() || m.steps.back().name != output) {
    throw UnimplementedError("model '" + name_ + "': its output '" + output +
                             "' is not its last layer's: exports take the last layer's output");
  }
  m.outputs = {{.name = output, .kind = InferenceOutput::Kind::kActivations}};
  m.keras_model_config = Json{{"class_name", "Functional"}, {"config", get_config()}}.dump();
  m.is_keras_model = true;
  return m;
}

}  // namespace cairn::keras
