// Reading the fields layers share from Keras configs written by Keras 2.1
// to 3 (batch_input_shape / batch_shape, activation names, layer names).
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/activation.h"

namespace cairn::keras::internal {

// The input shape without the batch, from "batch_input_shape" (Keras 2) or
// "batch_shape" (Keras 3); nullopt when neither is present.
std::optional<Shape> input_shape_from_config(const Json& config);

// "relu", "softmax", ... ; throws InvalidArgumentError naming the layer otherwise.
nn::Activation activation_from_config(const Json& config, const std::string& layer_name);

// The "name" field (empty if absent).
std::string name_from_config(const Json& config);

// Parses an activation name given to a constructor; throws InvalidArgumentError.
nn::Activation parse_activation(const std::string& name);

Json shape_json(const Shape& shape);  // [null, d1, d2, ...]

}  // namespace cairn::keras::internal
