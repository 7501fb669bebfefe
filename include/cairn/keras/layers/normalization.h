// BatchNormalization and LayerNormalization over the last (channels) axis,
// as tf.keras.layers.BatchNormalization(axis=-1) and LayerNormalization(axis=-1).
//
//   keras::Sequential model({
//       keras::Conv2D(32, {3, 3}, {.input_shape = Shape{28, 28, 1}}),
//       keras::BatchNormalization(),            // gamma, beta, moving_mean, moving_variance
//       keras::Activation("relu"),
//   });
//   keras::LayerNormalization({.epsilon = 1e-6})
//
// BatchNormalization normalizes each channel by the batch's mean and
// (biased) variance in fit() and by its moving averages in evaluate() and
// predict(); every training batch moves them as Keras does:
// moving -= (moving - batch) · (1 - momentum). moving_mean and
// moving_variance are non-trainable variables: optimizers never touch them,
// checkpoints save them. LayerNormalization normalizes each position's
// channels by their own moments, in training and inference alike.
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/normalization.h"

namespace cairn::keras {

struct BatchNormalizationOptions {
  int64_t axis = -1;  // only the last axis (channels_last)
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;  // beta
  bool scale = true;   // gamma
  std::string beta_initializer = "zeros";
  std::string gamma_initializer = "ones";
  std::string moving_mean_initializer = "zeros";
  std::string moving_variance_initializer = "ones";
  std::optional<Shape> input_shape;
  std::string name;  // empty: "batch_normalization", ...
};

class BatchNormalization : public Layer {
 public:
  // Throws InvalidArgumentError for momentum outside [0, 1], epsilon <= 0 or
  // an unknown initializer.
  explicit BatchNormalization(BatchNormalizationOptions options = {});

  std::string class_name() const override { return "BatchNormalization"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  bool supports_masking() const override { return true; }
  // gamma, beta, moving_mean, moving_variance (Keras's order; without gamma
  // or beta when scale or center is false).
  nn::VariableRefs weights() override;
  Json config() const override;

  static BatchNormalization from_config(const Json& config);

 private:
  nn::RowVector gamma() const;
  nn::RowVector beta() const;

  BatchNormalizationOptions options_;
  int64_t channels_ = 0;
  std::optional<nn::BatchNorm> norm_;
  std::optional<nn::Variable> gamma_, beta_;
  nn::Variable moving_mean_, moving_variance_;
};

struct LayerNormalizationOptions {
  int64_t axis = -1;  // only the last axis
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  std::string beta_initializer = "zeros";
  std::string gamma_initializer = "ones";
  std::optional<Shape> input_shape;
  std::string name;  // empty: "layer_normalization", ...
};

class LayerNormalization : public Layer {
 public:
  explicit LayerNormalization(LayerNormalizationOptions options = {});

  std::string class_name() const override { return "LayerNormalization"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  bool supports_masking() const override { return true; }
  nn::VariableRefs weights() override;  // gamma, beta
  Json config() const override;

  static LayerNormalization from_config(const Json& config);

 private:
  nn::RowVector gamma() const;
  nn::RowVector beta() const;

  LayerNormalizationOptions options_;
  int64_t channels_ = 0;
  std::optional<nn::LayerNorm> norm_;
  std::optional<nn::Variable> gamma_, beta_;
};

}  // namespace cairn::keras
