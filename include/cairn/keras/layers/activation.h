// Activation and Flatten: layers without weights, as
// tf.keras.layers.Activation and tf.keras.layers.Flatten.
//
//   keras::Flatten({.input_shape = {28, 28}})   // [batch, 28, 28] -> [batch, 784]
//   keras::Activation("softmax")
//
// Models hold their inputs as flat rows, so Flatten only changes the shape
// that later layers (and summary()) see: (h, w, c) -> (h * w * c).
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras {

class Activation : public Layer {
 public:
  // Throws InvalidArgumentError for an activation cairn does not have.
  explicit Activation(const std::string& activation, std::string name = "");

  std::string class_name() const override { return "Activation"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override {
    return BuildPlan{.output_shape = input_shape};
  }
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  // Softmax over N-d samples (per position) does not fuse with a loss.
  nn::Activation final_activation() const override;
  const nn::Matrix& last_preactivation() const override { return last_x_; }
  nn::Matrix backward_preactivation(const nn::Matrix& dz) override { return dz; }
  Json config() const override;

  static Activation from_config(const Json& config);

 private:
  bool softmax_per_position() const;

  nn::Activation activation_;
  Eigen::Index positions_ = 1;  // positions of a sample: all its axes but the last
  nn::Matrix last_x_, last_y_;
};

struct FlattenOptions {
  std::optional<Shape> input_shape;
  std::string name;
};

class Flatten : public Layer {
 public:
  explicit Flatten(FlattenOptions options = {});

  std::string class_name() const override { return "Flatten"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool, std::mt19937_64&) override { return x; }
  nn::Matrix backward(const nn::Matrix& dy) override { return dy; }
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool, std::mt19937_64&) override { return x; }
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions&) override { return d; }
  Json config() const override;

  static Flatten from_config(const Json& config);
};

// The input of a model, as tf.keras.layers.InputLayer (keras::Input(shape),
// cairn/keras/keras_tensor.h, makes one): first in a Sequential, it fixes the
// input shape and is not one of the model's layers; in a functional Model it
// is.
class InputLayer : public Layer {
 public:
  explicit InputLayer(Shape shape, std::string name = "");

  std::string class_name() const override { return "InputLayer"; }
  Shape build(const Shape& input_shape, std::mt19937_64&) override {
    return set_built(input_shape);
  }
  nn::Matrix forward(const nn::Matrix& x, bool, std::mt19937_64&) override { return x; }
  nn::Matrix backward(const nn::Matrix& dy) override { return dy; }
  Json config() const override;
};

}  // namespace cairn::keras
