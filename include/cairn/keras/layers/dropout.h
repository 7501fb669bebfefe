// Dropout, as tf.keras.layers.Dropout: during fit() each input is zeroed
// with probability `rate` and the rest scaled by 1 / (1 - rate); in
// evaluate() and predict() it passes inputs through unchanged.
//
//   keras::Dropout(0.2)
#pragma once

#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/dropout.h"

namespace cairn::keras {

class Dropout : public Layer {
 public:
  // Throws InvalidArgumentError unless 0 <= rate < 1.
  explicit Dropout(double rate, std::string name = "");

  std::string class_name() const override { return "Dropout"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override {
    return BuildPlan{.output_shape = input_shape};
  }
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override { return dropout_.backward(dy); }
  Json config() const override;

  double rate() const { return dropout_.rate(); }
  static Dropout from_config(const Json& config);

 private:
  nn::Dropout dropout_;
};

}  // namespace cairn::keras
