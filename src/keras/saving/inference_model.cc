// Sequential -> InferenceModel: what the exporters need from a Keras model.
#include "cairn/core/errors.h"
#include "cairn/keras/sequential.h"
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

InferenceStep step_of(Layer& layer) {
  const std::string kind = layer.class_name();
  const std::string activation(nn::activation_name(layer.final_activation()));
  if (kind == "Dense") {
    return InferenceStep{.kind = InferenceStep::Kind::kDense,
                         .name = layer.name(),
                         .kernel = weight_copy(layer, "kernel"),
                         .bias = weight_copy(layer, "bias"),
                         .activation = activation};
  }
  if (kind == "Activation") {
    return InferenceStep{
        .kind = InferenceStep::Kind::kActivation, .name = layer.name(), .activation = activation};
  }
  if (kind == "Flatten") {
    return InferenceStep{.kind = InferenceStep::Kind::kFlatten, .name = layer.name()};
  }
  throw UnimplementedError("layer '" + layer.name() + "' (" + kind +
                           ") cannot be exported: exports hold Dense, Activation and Flatten "
                           "layers (Dropout is left out)");
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
  for (const LayerPtr& layer : layers_) {
    if (layer->class_name() == "Dropout") continue;  // identity at inference
    m.steps.push_back(step_of(*layer));
  }
  const std::string output = layers_.empty() ? m.input_name : layers_.back()->name();
  m.outputs = {{.name = output, .kind = InferenceOutput::Kind::kActivations}};
  m.keras_model_config = internal::model_config_json(*this).dump();
  m.is_keras_model = true;
  if (compiled()) m.keras_training_config = internal::training_config_json(*this).dump();
  return m;
}

}  // namespace cairn::keras
