// Layer: the building block of a keras::Sequential or keras::Model, as tf.keras.layers.Layer.
//
// A layer has a unique name (Keras's: "dense", "dense_1", ... per class,
// counted per process until clear_session()), is built once its input shape
// is known (creating its weights), and runs forward and backward on batches
// of rows: a [batch, features] matrix whose row holds one sample of any rank
// flattened in row-major order, so a sample of shape (height, width,
// channels) is laid out as TensorFlow's NHWC (channels_last) and (timesteps,
// features) as a sequence. A layer reads its sample shape from build(), so
// Flatten and Reshape move no data. Concrete layers: Dense, Dropout,
// Activation, Flatten (dense.h, dropout.h, activation.h).
//
//   keras::Sequential model({
//       keras::Dense(512, {.activation = "relu", .input_shape = {784}}),
//       keras::Dropout(0.2),
//       keras::Dense(10, {.activation = "softmax"}),
//   });
//
// Layers are passed by value; the model keeps them behind LayerPtr.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/nn/activation.h"
#include "cairn/nn/matrix.h"
#include "cairn/nn/variable.h"

namespace cairn::keras {

using Json = nlohmann::ordered_json;
// A shape without its batch dimension, e.g. {28, 28} or {784}.
using Shape = std::vector<int64_t>;

class KerasTensor;  // a symbolic tensor of the functional API (cairn/keras/keras_tensor.h)

class Layer {
 public:
  virtual ~Layer() = default;

  const std::string& name() const { return name_; }
  // "Dense", "Dropout", ... as in Keras configs.
  virtual std::string class_name() const = 0;
  // The input shape given at construction (Keras's input_shape), if any.
  const std::optional<Shape>& declared_input_shape() const { return input_shape_; }

  // Creates the weights for inputs of `input_shape`; returns the output shape.
  // Throws InvalidArgumentError if the shape does not suit the layer.
  virtual Shape build(const Shape& input_shape, std::mt19937_64& rng) = 0;
  bool built() const { return built_; }
  const Shape& output_shape() const { return output_shape_; }

  // What build(input_shape) would make, computed without allocating: the
  // output shape and the number of weights (as count_params() would then
  // give). Throws InvalidArgumentError, as build() does, for an input shape
  // the layer cannot take or sizes that overflow. Model configs come from
  // untrusted files: their layers are planned before any is built.
  // nullopt: the layer cannot say before it is built.
  struct BuildPlan {
    Shape output_shape;
    int64_t parameters = 0;
  };
  virtual std::optional<BuildPlan> plan_build(const Shape& /*input_shape*/) const {
    return std::nullopt;
  }

  // [batch, features in] -> [batch, features out]; `training` turns dropout on.
  virtual nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) = 0;
  // Like forward(), but the output is held by the layer (or is `x` itself),
  // valid until the layer's next call, instead of returned by value: models
  // chain layers through these without allocating per batch. The caller keeps
  // x alive and unchanged until the backprop() that follows, so a layer may
  // refer to it instead of copying it.
  virtual const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
    kept_output_ = forward(x, training, rng);
    return kept_output_;
  }
  // Given dL/d(output) of the last forward(): sets weight gradients, returns dL/d(input).
  virtual nn::Matrix backward(const nn::Matrix& dy) = 0;

  // The activation that ends this layer, so a loss can fuse with it
  // (cross-entropy from logits, as TensorFlow does for softmax/sigmoid outputs).
  virtual nn::Activation final_activation() const { return nn::Activation::kLinear; }
  // The pre-activation of the last forward() (only if final_activation() is not linear).
  virtual const nn::Matrix& last_preactivation() const;
  // Like backward(), given dL/d(pre-activation).
  virtual nn::Matrix backward_preactivation(const nn::Matrix& dz) { return backward(dz); }
  // How fit() runs a layer backward (backprop()).
  struct BackpropOptions {
    // `d` is dL/d(pre-activation): the loss was fused with this layer's activation.
    bool preactivation = false;
    // False for the first layer with weights: nobody needs its input gradient.
    bool input_gradient = true;
    // Plain gradient descent fused into the backward pass: apply
    // weight -= step · gradient in place instead of setting the gradients.
    // Given only to layers whose fuses_gradient_step() is true.
    std::optional<float> step;
  };
  // backward() or backward_preactivation() as fit() calls them: returns
  // dL/d(input), or may return an empty matrix without input_gradient. Like
  // forward_kept(), the result is held by the layer until its next call.
  virtual const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) {
    kept_gradient_ = options.preactivation ? backward_preactivation(d) : backward(d);
    return kept_gradient_;
  }
  // Whether backprop() applies BackpropOptions::step to this layer's weights.
  virtual bool fuses_gradient_step() const { return false; }

  // Masks, as Keras's: a [batch, timesteps] matrix of 1 (a step present) and
  // 0 (padding), made by Embedding(mask_zero=true) and read by the RNNs. A
  // model hands each layer the mask of its input (nullptr: none) before
  // forward(); output_mask() is the mask of the layer's output (Keras's
  // compute_mask): by default the input's when supports_masking(), else none.
  using Mask = nn::Matrix;
  virtual bool supports_masking() const { return false; }
  virtual const Mask* output_mask(const Mask* input_mask) const {
    return supports_masking() ? input_mask : nullptr;
  }
  void set_input_mask(const Mask* mask) { input_mask_ = mask; }

  // Weights in Keras order (kernel, bias); names "dense/kernel", "dense/bias".
  virtual nn::VariableRefs weights() { return {}; }
  int64_t count_params();
  // The path of weight `w` (one of weights()) under this layer's object in a
  // TF-format checkpoint, as tf.keras tracks it: "kernel" for Dense's (key
  // "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"), "cell/kernel"
  // for an RNN's, "forward_layer/cell/kernel" inside Bidirectional. By
  // default the last part of the weight's name.
  virtual std::string weight_path(const nn::Variable& w) const;

  // The layer's Keras config ({"name": ..., "trainable": true, ...}).
  virtual Json config() const = 0;

  // The functional API (cairn/keras/model.h): this layer called on symbolic
  // tensors (several for a merge). The call records a copy of the layer (its
  // config, and its weights once built); calls of layers of one name share
  // one layer in a Model.
  KerasTensor operator()(const KerasTensor& input) const;
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) const;

 protected:
  // `name` empty: a fresh Keras-style name from `base` ("dense", "dense_1", ...).
  Layer(const std::string& base, std::string name, std::optional<Shape> input_shape);
  // Marks the layer built with this output shape.
  Shape set_built(Shape output_shape);
  // The config fields every layer shares: name, trainable, dtype, batch_input_shape.
  Json base_config() const;
  // The mask set_input_mask() gave for the coming forward() (nullptr: none).
  const Mask* input_mask() const { return input_mask_; }

 private:
  std::string name_;
  nn::Matrix kept_output_, kept_gradient_;  // the default forward_kept() and backprop()
  std::optional<Shape> input_shape_;
  bool built_ = false;
  Shape output_shape_;
  const Mask* input_mask_ = nullptr;
};

// A layer held by a model. Built implicitly from any Layer subclass value.
class LayerPtr {
 public:
  template <class L, class = std::enable_if_t<std::is_base_of_v<Layer, std::decay_t<L>>>>
  LayerPtr(L layer)  // NOLINT(google-explicit-constructor): reads like Keras
      : ptr_(std::make_shared<std::decay_t<L>>(std::move(layer))) {}
  explicit LayerPtr(std::shared_ptr<Layer> layer) : ptr_(std::move(layer)) {}
  Layer* operator->() const { return ptr_.get(); }
  Layer& operator*() const { return *ptr_; }
  Layer* get() const { return ptr_.get(); }
  // This very layer called on symbolic tensors (no copy): a shared layer.
  KerasTensor operator()(const KerasTensor& input) const;
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) const;

 private:
  std::shared_ptr<Layer> ptr_;
};

// Resets the per-class name counters (tf.keras.backend.clear_session).
void clear_session();

// The next unique name for `base` ("dense", then "dense_1", ...).
std::string unique_layer_name(const std::string& base);

// While one lives, the layers made on this thread are named by counters of
// their own, starting again from "dense", "conv2d", ..., as in a fresh
// TensorFlow graph: what an Estimator gives each run of a model_fn, so its
// variables keep their names from call to call. Other threads, and this
// one once it ends, count on as before. Scopes nest.
class FreshLayerNames {
 public:
  FreshLayerNames();
  ~FreshLayerNames();
  FreshLayerNames(const FreshLayerNames&) = delete;
  FreshLayerNames& operator=(const FreshLayerNames&) = delete;

 private:
  std::map<std::string, int> counters_;
  std::map<std::string, int>* outer_;
};

}  // namespace cairn::keras
