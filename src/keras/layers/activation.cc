#include "cairn/keras/layers/activation.h"

#include "cairn/nn/rectifiers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

Activation::Activation(const std::string& activation, std::string name)
    : Layer("activation", std::move(name), std::nullopt),
      activation_(internal::parse_activation(activation)) {}

Shape Activation::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  // Keras's softmax normalizes the last axis: each position of an N-d sample.
  positions_ = 1;
  for (size_t i = 0; i + 1 < input_shape.size(); ++i) positions_ *= input_shape[i];
  return set_built(input_shape);
}

bool Activation::softmax_per_position() const {
  return activation_ == nn::Activation::kSoftmax && positions_ > 1;
}

nn::Activation Activation::final_activation() const {
  return softmax_per_position() ? nn::Activation::kLinear : activation_;
}

nn::Matrix Activation::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  last_x_ = x;
  last_y_ = softmax_per_position()
                ? nn::softmax_along(x, {.outer = positions_, .n = x.cols() / positions_})
                : nn::activate(activation_, x);
  return last_y_;
}

nn::Matrix Activation::backward(const nn::Matrix& dy) {
  if (softmax_per_position()) {
    return nn::softmax_along_backward(last_y_, dy,
                                      {.outer = positions_, .n = dy.cols() / positions_});
  }
  return nn::activation_backward(activation_, last_x_, last_y_, dy);
}

Json Activation::config() const {
  Json c = base_config();
  c["activation"] = std::string(nn::activation_name(activation_));
  return c;
}

Activation Activation::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  return Activation(
      std::string(nn::activation_name(internal::activation_from_config(config, name))), name);
}

Flatten::Flatten(FlattenOptions options)
    : Layer("flatten", std::move(options.name), std::move(options.input_shape)) {}

std::optional<Layer::BuildPlan> Flatten::plan_build(const Shape& input_shape) const {
  return BuildPlan{.output_shape = {internal::sample_size(input_shape, name())}};
}

Shape Flatten::build(const Shape& input_shape, std::mt19937_64& /*rng*/) {
  return set_built(plan_build(input_shape)->output_shape);
}

Json Flatten::config() const {
  Json c = base_config();
  c["data_format"] = "channels_last";
  return c;
}

Flatten Flatten::from_config(const Json& config) {
  return Flatten({.input_shape = internal::input_shape_from_config(config),
                  .name = internal::name_from_config(config)});
}

InputLayer::InputLayer(Shape shape, std::string name)
    : Layer("input", std::move(name), std::move(shape)) {}

Json InputLayer::config() const {
  Json c{{"batch_input_shape", internal::shape_json(*declared_input_shape())},
         {"dtype", "float32"},
         {"sparse", false},
         {"ragged", false},
         {"name", name()}};
  return c;
}

}  // namespace cairn::keras
