// Reading the fields layers share from Keras configs written by Keras 2.1
// to 3 (batch_input_shape / batch_shape, activation names, layer names).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Sizes from configs are untrusted: a dimension, a unit count or a
// sample's element count past 2^31 is refused before anything is allocated.
inline constexpr int64_t kMaxDimension = int64_t{1} << 31;

// Throws InvalidArgumentError "layer 'NAME': WHAT must be in [MIN, 2^31), got V".
void check_size(int64_t value, const std::string& layer, const std::string& what,
                int64_t minimum = 1);

// The elements of one sample of `shape`; throws (as check_size) unless every
// dimension and their product are in [1, 2^31).
int64_t sample_size(const Shape& shape, const std::string& layer);

// a * b + c, the weight count of a kernel and its bias; throws
// InvalidArgumentError naming the layer when it overflows int64.
int64_t weight_count(int64_t a, int64_t b, int64_t c, const std::string& layer);

// `rank` sizes from an int or a list of ints ("pool_size": 2 or [2, 2]);
// throws InvalidArgumentError naming the layer and the field otherwise, or
// when one is outside [1, 2^31).
std::vector<int64_t> int_tuple_from_config(const Json& value, size_t rank, const std::string& layer,
                                           const std::string& field);

// "data_format" absent, null or "channels_last"; throws InvalidArgumentError
// naming the layer otherwise (cairn's layers are channels_last).
void check_channels_last(const Json& config, const std::string& layer);

// The integer field `key` of a config; throws InvalidArgumentError naming
// the layer and its class when it is absent or not an integer.
int64_t int_from_config(const Json& config, const char* key, const std::string& layer,
                        const char* class_name);
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
