// The layers of a Keras Sequential model config, as the exporters read them.
//
//   Json topology = Json::parse(model.keras_model_config);
//   if (Json* layers = internal::keras_sequential_layers(topology)) ...
//   CAIRN_ASSIGN_OR_RETURN(auto configs, internal::keras_layer_configs(model));
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"

namespace cairn::internal {

// The layers of a Sequential config: config.layers, or (Keras 2.1) config
// itself; null when `topology` is not a Sequential config.
nlohmann::json* keras_sequential_layers(nlohmann::json& topology);

// The "config" of each layer of model.keras_model_config by layer name
// (empty without a Sequential config: an Estimator's model, whose steps are
// all Dense, Activation or Flatten). INVALID_ARGUMENT when it is not JSON.
Result<std::map<std::string, nlohmann::json>> keras_layer_configs(const InferenceModel& model);

}  // namespace cairn::internal
