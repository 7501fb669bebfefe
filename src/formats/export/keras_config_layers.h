// The layers of a Keras model config (Sequential or functional), as the
// exporters read them.
//
//   Json topology = Json::parse(model.keras_model_config);
//   if (Json* layers = internal::keras_config_layers(topology)) ...
//   CAIRN_ASSIGN_OR_RETURN(auto configs, internal::keras_layer_configs(model));
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"

namespace cairn::internal {

// The layers of a Sequential config (config.layers, or Keras 2.1's config
// itself) or of a functional one (class "Model" or "Functional":
// config.layers); null for anything else.
nlohmann::json* keras_config_layers(nlohmann::json& topology);

// The "config" of each layer of model.keras_model_config by layer name
// (empty without a model config: an Estimator's model, whose steps are
// all Dense, Activation or Flatten). INVALID_ARGUMENT when it is not JSON.
Result<std::map<std::string, nlohmann::json>> keras_layer_configs(const InferenceModel& model);

}  // namespace cairn::internal
