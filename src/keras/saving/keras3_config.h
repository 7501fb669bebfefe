// Keras 3's config.json (the model's config in a .keras file) as Keras 3
// writes it, each object serialized as
//   {"module": "keras.layers", "class_name": "Dense", "config": {...},
//    "registered_name": null, "build_config": {"input_shape": [null, 4]}}
// with the model's compile() arguments in its "compile_config"; and the
// checks load_model's safe_mode makes before anything is built. Reading the
// layers themselves is model_config.h's (one reader for Keras 2 and 3).
//
//   Json config = keras3_model_config(model);            // config.json
//   check_safe_mode(config, "m.keras");                  // throws for Lambda / custom code
//   Sequential back = model_from_config(config);
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// The version of Keras whose .keras layout cairn writes (metadata.json).
inline constexpr const char* kKeras3Version = "3.10.0";

// config.json for `model` (built), with compile_config when it is compiled.
Json keras3_model_config(const Sequential& model);

// Keras 3's serialization of the optimizer:
// {"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam", ...}, ...}.
Json keras3_optimizer_config(const OptimizerSpec& optimizer);

// Throws InvalidArgumentError naming the layer when `model_config` holds
// Python code: a Lambda layer, a lambda or function object, or a class from
// a module outside Keras (a custom layer, activation or initializer), as
// Keras's load_model(safe_mode=True) refuses them. `path` names the file.
void check_safe_mode(const Json& model_config, const std::string& path);

// Throws UnimplementedError naming the layer when `model_config`, a Keras 3
// config read or about to be written, uses hard_sigmoid anywhere: Keras 3's
// is relu6(x + 3) / 6, not Keras 2's clip(0.2 x + 0.5, 0, 1), which is the
// one cairn has. `what` opens the message ("load_model('m.keras')").
void refuse_keras3_hard_sigmoid(const Json& model_config, const std::string& what);

// The compile() options a config.json's compile_config describes; when it
// names no optimizer, `saved_optimizer` (the optimizer whose variables the
// weights hold, e.g. "adam") with its defaults. nullopt, with the reason in
// `why`, when the loss or optimizer is not one cairn has.
std::optional<CompileOptions> compile_options_from_keras3(const Json& compile_config,
                                                          const std::string& saved_optimizer,
                                                          std::string& why);

}  // namespace cairn::keras::internal
