// load_model's safe_mode (keras3_config.h): a saved config may name Python
// code that Keras would run when loading (a Lambda's marshalled bytecode, a
// lambda passed as an activation, a custom class from the user's module).
// cairn cannot run Python, and with safe_mode (the default, as in Keras 3)
// it says so before building anything, naming the layer.
#include <string_view>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"
#include "keras/saving/keras3_config.h"

namespace cairn::keras::internal {
namespace {

// True for Keras's own modules ("keras", "keras.layers", "keras.src.ops", ...).
bool is_keras_module(std::string_view module) {
  return module == "keras" || module.starts_with("keras.") || module == "tf_keras" ||
         module.starts_with("tf_keras.");
}

// What Python code `object` (any value in a config) holds, or "" if none.
std::string python_code_in(const Json& object) {
  if (object.is_array()) {
    for (const Json& item : object) {
      std::string found = python_code_in(item);
      if (!found.empty()) return found;
    }
    return "";
  }
  if (!object.is_object()) return "";
  const std::string class_name = object.contains("class_name") && object["class_name"].is_string()
                                     ? object["class_name"].get<std::string>()
                                     : "";
  if (class_name == "Lambda") return "a Lambda layer (its function is Python bytecode)";
  if (class_name == "__lambda__") return "a Python lambda";
  if (object.contains("module") && object["module"].is_string()) {
    const std::string module = object["module"].get<std::string>();
    if (!is_keras_module(module)) {
      return "the custom " +
             (class_name.empty() ? std::string("object") : "class '" + class_name + "'") +
             " from module '" + module + "'";
    }
  }
  for (const auto& [key, value] : object.items()) {
    std::string found = python_code_in(value);
    if (!found.empty()) return found;
  }
  return "";
}

[[noreturn]] void refuse(const std::string& path, const std::string& where,
                         const std::string& what) {
  throw InvalidArgumentError("load_model('" + path + "'): " + where + " is " + what +
                             ", which holds Python code: Keras's safe_mode refuses to load it, "
                             "and cairn cannot run it. Rebuild it from cairn's layers, or pass "
                             "safe_mode = false if you trust the file and the code is a layer "
                             "cairn has");
}

}  // namespace

void check_safe_mode(const Json& model_config, const std::string& path) {
  const Json& config = model_config.contains("config") ? model_config["config"] : model_config;
  const Json& layers = config.is_object() && config.contains("layers") ? config["layers"] : config;
  if (layers.is_array()) {
    for (const Json& layer : layers) {
      const std::string found = python_code_in(layer);
      if (found.empty()) continue;
      const Json& layer_config = layer.is_object() ? layer.value("config", Json::object()) : layer;
      const std::string name = layer_config.is_object() ? name_from_config(layer_config) : "";
      refuse(path, "layer '" + name + "'", found);
    }
  }
  Json rest = model_config;  // the model itself and its compile_config
  if (rest.is_object() && rest.contains("config") && rest["config"].is_object()) {
    rest["config"].erase("layers");
  }
  const std::string found = python_code_in(rest);
  if (!found.empty()) refuse(path, "the model", found);
}

}  // namespace cairn::keras::internal
