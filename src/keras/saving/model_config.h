// A Sequential model from a Keras model_config (Keras 2.1's bare list of
// layers, Keras 2.2-2.x's {"name", "layers"}, Keras 3's module/registered
// names), and the training_config that goes with a saved model.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// {"class_name": "Sequential", "config": {...}} -> an unbuilt-or-built
// model. Throws InvalidArgumentError naming the first layer class cairn does
// not have (e.g. "GRU"), or a functional model; likewise for untrusted sizes
// (a dimension or unit count outside [1, 2^31), or more than `max_parameters`
// weights: load_model passes the number its file holds) and for values of
// the wrong JSON type, all before any layer allocates.
Sequential model_from_config(const Json& model_config,
                             int64_t max_parameters = std::numeric_limits<int64_t>::max());

// {"class_name": "Sequential", "config": ..., "keras_version", "backend"}.
Json model_config_json(const Sequential& model);

// {"loss", "metrics", "optimizer_config", ...} as Keras 2 saves it.
Json training_config_json(const Sequential& model);

// The compile() options a training_config describes; nullopt (with the
// reason in `why`) when its loss or optimizer is not one cairn has.
std::optional<CompileOptions> compile_options_from(const Json& training_config, std::string& why);

}  // namespace cairn::keras::internal
