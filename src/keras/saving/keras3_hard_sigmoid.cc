// Keras 3 redefined hard_sigmoid: relu6(x + 3) / 6, that is clip(x / 6 + 0.5,
// 0, 1), where Keras 2 (and TF.js, and cairn's nn::Activation::kHardSigmoid)
// compute clip(0.2 x + 0.5, 0, 1). The name in a config is the same, so a
// Keras 3 file read with Keras 2's formula would predict something else
// without a word. Until cairn has Keras 3's version, both directions refuse
// it (keras3_config.h).
#include <string_view>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"
#include "keras/saving/keras3_config.h"

namespace cairn::keras::internal {
namespace {

constexpr std::string_view kHardSigmoid = "hard_sigmoid";

// "hard_sigmoid", or Keras 3's {"class_name": "function", "config": "hard_sigmoid"}.
bool names_hard_sigmoid(const Json& activation) {
  if (activation.is_string()) return activation.get<std::string>() == kHardSigmoid;
  if (!activation.is_object()) return false;
  for (const char* key : {"config", "class_name"}) {
    if (activation.contains(key) && activation[key].is_string() &&
        activation[key].get<std::string>() == kHardSigmoid) {
      return true;
    }
  }
  return false;
}

// The name of the first layer (nested ones included) with a hard_sigmoid
// activation ("activation", "recurrent_activation", ...), or nullopt.
std::optional<std::string> layer_with_hard_sigmoid(const Json& object) {
  if (object.is_array()) {
    for (const Json& item : object) {
      if (auto found = layer_with_hard_sigmoid(item)) return found;
    }
    return std::nullopt;
  }
  if (!object.is_object()) return std::nullopt;
  if (object.contains("config") && object["config"].is_object()) {
    const Json& config = object["config"];
    for (const auto& [key, value] : config.items()) {
      if (key.ends_with("activation") && names_hard_sigmoid(value)) return name_from_config(config);
    }
  }
  for (const auto& [key, value] : object.items()) {
    if (auto found = layer_with_hard_sigmoid(value)) return found;
  }
  return std::nullopt;
}

}  // namespace

void refuse_keras3_hard_sigmoid(const Json& model_config, const std::string& what) {
  const std::optional<std::string> layer = layer_with_hard_sigmoid(model_config);
  if (!layer) return;
  throw UnimplementedError(
      what + ": layer '" + *layer +
      "' uses hard_sigmoid, which Keras 3 defines as relu6(x + 3) / 6 while cairn has Keras 2's "
      "clip(0.2 x + 0.5, 0, 1); the file would give other outputs than Keras's. Use a Keras 2 "
      ".h5 file (Keras 2's hard_sigmoid) or another activation");
}

}  // namespace cairn::keras::internal
