// Dense: a fully connected layer, as tf.keras.layers.Dense:
// output = activation(input · kernel + bias).
//
//   keras::Dense(512, {.activation = "relu", .input_shape = {784}})
//   keras::Dense(10, {.activation = "softmax", .name = "logits"})
//   keras::Dense(1, {.use_bias = false, .kernel_initializer = "zeros"})
//
// Weights "<name>/kernel" [in, units] and "<name>/bias" [units]. On inputs
// of rank 2 or more the kernel applies to the last axis, as Keras's:
// (timesteps, in) -> (timesteps, units).
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/dense.h"

namespace cairn::keras {

struct DenseOptions {
  // "linear" (none), "relu", "tanh", "sigmoid", "elu", "softmax".
  std::string activation = "linear";
  bool use_bias = true;
  // "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
  // "lecun_normal", "zeros", "ones", "random_normal", "random_uniform".
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::optional<Shape> input_shape;  // only on a model's first layer
  std::string name;                  // empty: "dense", "dense_1", ...
};

class Dense : public Layer {
 public:
  // Throws InvalidArgumentError for units outside [1, 2^31) or an unknown
  // activation/initializer.
  explicit Dense(int64_t units, DenseOptions options = {});

  std::string class_name() const override { return "Dense"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  nn::Activation final_activation() const override { return activation_; }
  const nn::Matrix& last_preactivation() const override;
  nn::Matrix backward_preactivation(const nn::Matrix& dz) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  bool fuses_gradient_step() const override { return true; }
  nn::VariableRefs weights() override;
  Json config() const override;

  int64_t units() const { return units_; }
  // From a Keras config (Keras 2.1 to 3); unknown activations are refused.
  static Dense from_config(const Json& config);

 private:
  nn::Dense& dense();
  // `step` on `in` regrouped into one row per position in `in_rows` (when
  // the input has several), its result regrouped into rows of samples in `out`.
  template <class Step>
  const nn::Matrix& per_position(const nn::Matrix& in, nn::Matrix& in_rows, Step step,
                                 nn::Matrix& out);

  int64_t units_;
  DenseOptions options_;
  nn::Activation activation_;
  std::optional<nn::Dense> dense_;
  int64_t positions_ = 1;  // of an input sample: the product of its axes but the last
  // Rows of one position each: the last input (borrowed by nn::Dense until
  // backward) and gradient; the results regrouped into rows of samples.
  nn::Matrix input_rows_, gradient_rows_, output_, input_gradient_;
  mutable nn::Matrix preactivation_;  // last_preactivation() regrouped
};

}  // namespace cairn::keras
