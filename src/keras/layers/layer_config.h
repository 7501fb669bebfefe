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

// A field of a layer's config that may be absent (or null: `fallback`);
// throws InvalidArgumentError naming the layer, its class and the field when
// it has another type.
double number_field(const Json& config, const char* key, double fallback, const std::string& layer,
                    const char* class_name);
bool bool_field(const Json& config, const char* key, bool fallback, const std::string& layer,
                const char* class_name);
// An initializer's snake_case name; `fallback` when absent or one cairn does
// not have (initializers only matter before weights are loaded).
std::string initializer_field(const Json& config, const char* key, const std::string& fallback);
// "axis" as an integer or a list of one (Keras writes [3] once built).
int64_t axis_field(const Json& config, int64_t fallback, const std::string& layer,
                   const char* class_name);
// Whether `axis` (counting the batch as axis 0, negative from the end) is
// the last axis of samples of `sample_rank` dimensions.
bool is_last_axis(int64_t axis, size_t sample_rank);

}  // namespace cairn::keras::internal
