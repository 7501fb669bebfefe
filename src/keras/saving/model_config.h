// A Sequential model from a Keras model_config (Keras 2.1's bare list of
// layers, Keras 2.2-2.x's {"name", "layers"}, Keras 3's module/registered
// names), and the training_config that goes with a saved model.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "cairn/keras/model.h"
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

// Keras's class names of functional models: "Functional" (tf.keras 2.4+,
// Keras 3) and "Model" (before).
bool is_functional_class(const std::string& class_name);

// {"class_name": "Functional" (or "Model"), "config": {...}} -> a built
// Model, with the checks of model_from_config (sizes planned against
// `max_parameters` before anything is allocated). A Sequential config gives
// a Model over its stack of layers.
Model functional_model_from_config(const Json& model_config,
                                   int64_t max_parameters = std::numeric_limits<int64_t>::max());

// A Model over the (built) layers of `stack`, which it shares.
Model functional_from_sequential(Sequential& stack);

// {"class_name": "Sequential" (or "Functional"), "config": ..., "keras_version",
// "backend"}: model_config as tf.keras 2.4 writes it.
Json model_config_json(const BaseModel& model);

// {"loss", "metrics", "optimizer_config", ...} as Keras 2 saves it.
Json training_config_json(const Sequential& model);

// A loss as a training_config names it: a string, or Keras 3's and some
// 2.x's object {"class_name": ..., "config": {"name": ...}} ("" otherwise).
std::string loss_text(const Json& loss);

// A functional Model's training_config: its losses (one per output, by
// output name), loss_weights, metrics and optimizer, as tf.keras writes it.
Json training_config_json(const Model& model);

// The compile() options of a functional model's training_config (loss a
// string, a list or a map by output name; loss_weights a list or a map);
// nullopt, with the reason in `why`, when a loss or the optimizer is not
// one cairn has. `outputs` are the model's output names.
std::optional<ModelCompileOptions> model_compile_options_from(
    const Json& training_config, const std::vector<std::string>& outputs, std::string& why);

// The compile() options a training_config describes; nullopt (with the
// reason in `why`) when its loss or optimizer is not one cairn has.
std::optional<CompileOptions> compile_options_from(const Json& training_config, std::string& why);

}  // namespace cairn::keras::internal
