// Internal to keras layers: per-channel weights ([channels] vectors such as
// the normalization layers' gamma, beta and moving statistics).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/matrix.h"
#include "cairn/nn/variable.h"

namespace cairn::keras::internal {

// The channels (last dimension) of `input_shape` for a layer normalizing
// `axis`; throws InvalidArgumentError naming the layer unless `axis` is the
// last axis and the shape has one of at least 1.
int64_t normalized_channels(const Shape& input_shape, int64_t axis, const std::string& layer,
                            const char* class_name);

// "<layer>/<weight>" of shape [channels], filled by `initializer`.
nn::Variable channel_variable(const std::string& layer, const char* weight, int64_t channels,
                              const std::string& initializer, bool trainable, std::mt19937_64& rng);

// The variable's values as a row, or `fallback` in every channel without one.
nn::RowVector channel_row(const std::optional<nn::Variable>& v, int64_t channels, float fallback);

// Sets v's gradient to g (nothing when there is no v).
void set_channel_gradient(std::optional<nn::Variable>& v, const nn::RowVector& g);

}  // namespace cairn::keras::internal
