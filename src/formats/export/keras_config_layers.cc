// The layers of a Keras model config (keras_config_layers.h).
#include "formats/export/keras_config_layers.h"

#include "cairn/formats/json_limits.h"

namespace cairn::internal {

using Json = nlohmann::json;

Json* keras_config_layers(Json& topology) {
  if (!topology.is_object() || !topology.contains("config")) return nullptr;
  const Json& class_name = topology.value("class_name", Json());
  const bool sequential = class_name == "Sequential";
  if (!sequential && class_name != "Model" && class_name != "Functional") return nullptr;
  Json& config = topology["config"];
  if (sequential && config.is_array()) return &config;
  if (config.is_object() && config.contains("layers") && config["layers"].is_array()) {
    return &config["layers"];
  }
  return nullptr;
}

Result<std::map<std::string, Json>> keras_layer_configs(const InferenceModel& model) {
  std::map<std::string, Json> configs;
  if (model.keras_model_config.empty()) return configs;
  Result<Json> parsed = parse_untrusted_json<Json>(model.keras_model_config, "keras_model_config");
  if (!parsed.ok()) return parsed.status();
  Json* layers = keras_config_layers(*parsed);
  if (layers == nullptr) return configs;
  for (const Json& layer : *layers) {
    if (!layer.is_object() || !layer.contains("config") || !layer["config"].is_object()) continue;
    const Json& name = layer["config"].value("name", Json());
    if (name.is_string()) configs[name.get<std::string>()] = layer["config"];
  }
  return configs;
}

}  // namespace cairn::internal
