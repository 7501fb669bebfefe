// Symbolic tensors: keras::Input() and layers called on symbolic tensors.
#include "cairn/keras/keras_tensor.h"

#include <atomic>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/activation.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/layer_factory.h"

namespace cairn::keras {

namespace {

uint64_t next_call_id() {
  static std::atomic<uint64_t> next{0};
  return next++;
}

// A new layer of the same class and config.
LayerPtr copy_of(const Layer& layer) {
  if (layer.built()) {
    throw FailedPreconditionError("layer '" + layer.name() +
                                  "' is built: call it through the model's LayerPtr "
                                  "(model.layers()[i](x)) to share its weights");
  }
  return internal::layer_from_config(layer.class_name(), layer.config());
}

}  // namespace

KerasTensor internal::call_layer(LayerPtr layer, std::vector<KerasTensor> inputs) {
  const bool is_input = layer->class_name() == "InputLayer";
  if (inputs.empty() && !is_input) {
    throw InvalidArgumentError("layer '" + layer->name() + "' called on no tensors");
  }
  if (!inputs.empty() && is_input) {
    throw InvalidArgumentError("layer '" + layer->name() +
                               "' is an InputLayer: it takes no inputs");
  }
  return KerasTensor(std::make_shared<const internal::Node>(internal::Node{
      .layer = std::move(layer), .inputs = std::move(inputs), .id = next_call_id()}));
}

const Shape* KerasTensor::input_shape() const {
  if (node_->layer->class_name() != "InputLayer") return nullptr;
  return &*node_->layer->declared_input_shape();
}

KerasTensor Input(Shape shape, std::string name) {
  if (shape.empty())
    throw InvalidArgumentError("Input '" + name + "': the shape has no dimensions");
  for (int64_t d : shape) {
    if (d < 1) {
      throw InvalidArgumentError("Input '" + name + "': shape " +
                                 internal::shape_json(shape).dump() +
                                 " has a dimension below 1 (give sizes without the batch)");
    }
  }
  return internal::call_layer(InputLayer(std::move(shape), std::move(name)), {});
}

KerasTensor Layer::operator()(const KerasTensor& input) const {
  return internal::call_layer(copy_of(*this), {input});
}

KerasTensor Layer::operator()(const std::vector<KerasTensor>& inputs) const {
  return internal::call_layer(copy_of(*this), inputs);
}

KerasTensor LayerPtr::operator()(const KerasTensor& input) const {
  return internal::call_layer(*this, {input});
}

KerasTensor LayerPtr::operator()(const std::vector<KerasTensor>& inputs) const {
  return internal::call_layer(*this, inputs);
}

}  // namespace cairn::keras
