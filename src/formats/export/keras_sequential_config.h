// The layers of a Keras Sequential model config, as the exporters read them.
//
//   Json topology = Json::parse(model.keras_model_config);
//   if (Json* layers = internal::keras_sequential_layers(topology)) ...
#pragma once

#include <nlohmann/json.hpp>

namespace cairn::internal {

// The layers of a Sequential config: config.layers, or (Keras 2.1) config
// itself; null when `topology` is not a Sequential config.
inline nlohmann::json* keras_sequential_layers(nlohmann::json& topology) {
  if (!topology.is_object() || topology.value("class_name", nlohmann::json()) != "Sequential" ||
      !topology.contains("config")) {
    return nullptr;
  }
  nlohmann::json& config = topology["config"];
  if (config.is_array()) return &config;
  if (config.is_object() && config.contains("layers") && config["layers"].is_array()) {
    return &config["layers"];
  }
  return nullptr;
}

}  // namespace cairn::internal
