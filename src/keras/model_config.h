// A Sequential model from a Keras model_config (Keras 2.1's bare list of
// layers, Keras 2.2-2.x's {"name", "layers"}, Keras 3's module/registered
// names), and the training_config that goes with a saved model.
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// {"class_name": "Sequential", "config": {...}} -> an unbuilt-or-built
// model. Throws InvalidArgumentError naming the first layer class cairn does
// not have (e.g. "GRU"), or a functional model.
Sequential model_from_config(const Json& model_config);

// {"class_name": "Sequential", "config": ..., "keras_version", "backend"}.
Json model_config_json(const Sequential& model);

// {"loss", "metrics", "optimizer_config", ...} as Keras 2 saves it.
Json training_config_json(const Sequential& model);

// The compile() options a training_config describes; nullopt (with the
// reason in `why`) when its loss or optimizer is not one cairn has.
std::optional<CompileOptions> compile_options_from(const Json& training_config, std::string& why);

}  // namespace cairn::keras::internal
