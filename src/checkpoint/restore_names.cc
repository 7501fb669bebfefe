// The name mapping of the restore path (restore_names.h).
#include "cairn/checkpoint/restore_names.h"

#include <algorithm>

namespace cairn {
namespace {

constexpr std::string_view kSlotMarker = "/t_0/";
constexpr std::string_view kAttributes = "/.ATTRIBUTES/VARIABLE_VALUE";

// TF 1.0 spelled kernel/bias as weights/biases.
std::string tf10_spelling(const std::string& var) {
  if (var.ends_with("/kernel")) return var.substr(0, var.size() - 6) + "weights";
  if (var.ends_with("/bias")) return var.substr(0, var.size() - 4) + "biases";
  return var;
}

}  // namespace

std::vector<std::string> tf_variable_keys(const std::string& name) {
  std::vector<std::string> keys = {name};
  const size_t slot = name.find(kSlotMarker);
  if (slot == std::string::npos) {
    if (tf10_spelling(name) != name) keys.push_back(tf10_spelling(name));
    return keys;
  }
  const std::string var = name.substr(0, slot);
  const std::string slot_name = name.substr(slot + kSlotMarker.size());
  for (const std::string& v : {var, tf10_spelling(var)}) {
    keys.push_back(v + std::string(kSlotMarker) + slot_name);
    keys.push_back(v + "/" + slot_name);
    if (slot_name == "Adagrad") keys.push_back("training/Adagrad/" + v + "/accumulator");
  }
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::vector<std::string> warm_start_keys(const std::string& name,
                                         const std::map<std::string, std::string>& name_map) {
  auto mapped = name_map.find(name);
  if (mapped != name_map.end()) return {mapped->second};
  return tf_variable_keys(name);
}

std::string object_variable_key(const std::string& object_path) {
  return object_path + std::string(kAttributes);
}

std::string object_slot_key(const std::string& variable_key, const std::string& slot) {
  const std::string object = variable_key.substr(0, variable_key.find("/.ATTRIBUTES"));
  return object_variable_key(object + "/.OPTIMIZER_SLOT/optimizer/" + slot);
}

std::string keras_layer_object(KerasKeyScheme scheme, size_t index, int weighted) {
  switch (scheme) {
    case KerasKeyScheme::kLayerIndex:
      return "layer-" + std::to_string(index);
    case KerasKeyScheme::kLayerWithWeights:
      return "layer_with_weights-" + std::to_string(weighted);
    case KerasKeyScheme::kVariableName:
      break;
  }
  return "";
}

bool is_keras_layer_weight_key(KerasKeyScheme scheme, const std::string& key) {
  if (scheme == KerasKeyScheme::kVariableName) return false;
  const std::string layer_prefix =
      scheme == KerasKeyScheme::kLayerIndex ? "layer-" : "layer_with_weights-";
  return key.starts_with(layer_prefix) && key.find(".OPTIMIZER_SLOT") == std::string::npos;
}

}  // namespace cairn
