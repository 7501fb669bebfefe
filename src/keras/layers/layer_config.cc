#include "keras/layers/layer_config.h"

#include "cairn/core/errors.h"

namespace cairn::keras::internal {

std::optional<Shape> input_shape_from_config(const Json& config) {
  for (const char* key : {"batch_input_shape", "batch_shape"}) {
    if (!config.contains(key) || !config[key].is_array()) continue;
    const Json& dims = config[key];
    Shape shape;
    for (size_t i = 1; i < dims.size(); ++i) {
      if (!dims[i].is_number_integer()) {
        throw InvalidArgumentError("layer '" + name_from_config(config) + "': " + key + " " +
                                   dims.dump() + " has an unknown dimension");
      }
      shape.push_back(dims[i].get<int64_t>());
    }
    return shape;
  }
  return std::nullopt;
}

nn::Activation parse_activation(const std::string& name) {
  std::optional<nn::Activation> a = nn::activation_from_name(name == "None" ? "linear" : name);
  if (!a) {
    throw InvalidArgumentError("unsupported activation '" + name +
                               "' (cairn has linear, relu, tanh, sigmoid, elu, softmax)");
  }
  return *a;
}

nn::Activation activation_from_config(const Json& config, const std::string& layer_name,
                                      const char* key) {
  if (!config.contains(key) || config[key].is_null()) return nn::Activation::kLinear;
  const Json& a = config[key];
  std::string name = a.is_string() ? a.get<std::string>() : a.value("class_name", "");
  try {
    return parse_activation(name);
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError("layer '" + layer_name + "': " + e.what());
  }
}

bool bool_from_config(const Json& config, const char* key, bool fallback,
                      const std::string& layer_name) {
  if (!config.contains(key)) return fallback;
  if (!config[key].is_boolean()) {
    throw InvalidArgumentError("layer '" + layer_name + "': '" + key +
                               "' must be true or false, got " + config[key].dump());
  }
  return config[key].get<bool>();
}

const Json& wrapped_layer_from_config(const Json& config, const std::string& wrapper_class) {
  const Json* layer = config.contains("layer") ? &config["layer"] : nullptr;
  if (layer == nullptr || !layer->is_object() || !layer->contains("class_name") ||
      !(*layer)["class_name"].is_string() || !layer->contains("config") ||
      !(*layer)["config"].is_object()) {
    throw InvalidArgumentError("layer '" + name_from_config(config) + "' (" + wrapper_class +
                               "): config has no 'layer' with a class_name and a config");
  }
  return *layer;
}

std::string name_from_config(const Json& config) { return config.value("name", ""); }

Json shape_json(const Shape& shape) {
  Json dims = Json::array({nullptr});
  for (int64_t d : shape) dims.push_back(d);
  return dims;
}

}  // namespace cairn::keras::internal
