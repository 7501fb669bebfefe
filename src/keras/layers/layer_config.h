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

// "relu", "softmax", ... from `key` (null or absent: linear); throws
// InvalidArgumentError naming the layer otherwise.
nn::Activation activation_from_config(const Json& config, const std::string& layer_name,
                                      const char* key = "activation");

// The boolean `key` (`fallback` when absent); throws InvalidArgumentError
// naming the layer and the field when it is not a boolean.
bool bool_from_config(const Json& config, const char* key, bool fallback,
                      const std::string& layer_name);

// The "layer" a wrapper's config holds ({"class_name", "config"}, Keras 2
// and 3); throws InvalidArgumentError naming the wrapper when it is missing.
const Json& wrapped_layer_from_config(const Json& config, const std::string& wrapper_class);

// The "name" field (empty if absent).
std::string name_from_config(const Json& config);

// Parses an activation name given to a constructor; throws InvalidArgumentError.
nn::Activation parse_activation(const std::string& name);

Json shape_json(const Shape& shape);  // [null, d1, d2, ...]

}  // namespace cairn::keras::internal
