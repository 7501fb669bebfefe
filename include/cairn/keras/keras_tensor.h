// KerasTensor: a symbolic tensor of the functional API, as Keras's: what
// keras::Input() returns and what calling a layer on symbolic tensors
// returns. It holds no values, only where it comes from (the layer call that
// made it and that call's inputs), so a keras::Model can be built from the
// graph between its inputs and outputs (cairn/keras/model.h).
//
//   keras::KerasTensor a = keras::Input({16}, "a");
//   keras::KerasTensor h = keras::Dense(8, {.activation = "relu"})(a);
//   keras::KerasTensor both = keras::Concatenate()({h, keras::Input({4}, "b")});
//
// A layer value called on symbolic tensors is recorded as a copy made from
// its config (it must not be built yet), so the call reads like Keras whether
// the layer is a temporary or a variable. Calling the same layer value (or
// LayerPtr) twice shares it: a model holds one layer per name and every call
// of it uses the same weights, as Keras's shared layers do. A LayerPtr is
// called as it is, built or not (model.layers()[2](x) reuses its weights).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras {

class KerasTensor;

namespace internal {
// One call of a layer: the layer and the symbolic tensors it was called on
// (none for an Input). Immutable once made; KerasTensors share it.
struct Node {
  LayerPtr layer;
  std::vector<KerasTensor> inputs;
  uint64_t id = 0;  // calls are numbered in the order they are made
};
}  // namespace internal

class KerasTensor {
 public:
  // The layer call that made this tensor.
  const internal::Node& node() const { return *node_; }
  // The name of the layer that made it ("a" for Input({16}, "a")).
  const std::string& name() const { return node_->layer->name(); }
  // The shape given to keras::Input (nullptr for other tensors: shapes are
  // known once a Model builds its layers).
  const Shape* input_shape() const;
  // Whether both are the same symbolic tensor.
  bool operator==(const KerasTensor& other) const { return node_ == other.node_; }

  // An Input may start a Sequential: keras::Sequential({keras::Input({784}), ...}).
  operator LayerPtr() const { return node_->layer; }  // NOLINT(google-explicit-constructor)

  // Internal: made by Input() and by calling a layer.
  explicit KerasTensor(std::shared_ptr<const internal::Node> node) : node_(std::move(node)) {}

 private:
  std::shared_ptr<const internal::Node> node_;
};

// The input of a functional model, as keras.Input(shape, name): a symbolic
// tensor of samples of `shape` (without the batch dimension), made by an
// InputLayer of that name ("input_1", "input_2", ... when empty). Throws
// InvalidArgumentError for an empty shape or a dimension below 1.
KerasTensor Input(Shape shape, std::string name = "");

namespace internal {
// `layer` called on `inputs` (an InputLayer on none), without copying it.
KerasTensor call_layer(LayerPtr layer, std::vector<KerasTensor> inputs);
}  // namespace internal

}  // namespace cairn::keras
