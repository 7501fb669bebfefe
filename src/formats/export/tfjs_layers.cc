// TensorFlow.js's view of Keras layer configs (tfjs_layers.h). The options
// refused here were found against @tensorflow/tfjs 4.22: it throws on some
// (ELU's alpha, GRU's reset_after) only when the model loads, and ignores the
// others, which would export a model that predicts something else.
#include "formats/export/tfjs_layers.h"

#include <set>
#include <vector>

#include "cairn/core/strings.h"

namespace cairn::internal {
namespace {

using Json = nlohmann::json;

// Activations cairn has and TF.js does not (it has "swish" for "silu").
const std::set<std::string>& tfjs_missing_activations() {
  static const std::set<std::string> missing{"exponential", "leaky_relu", "gelu_new"};
  return missing;
}

bool number_is(const Json& config, const char* key, double expected) {
  const Json& v = config.value(key, Json());
  return !v.is_number() || v.get<double>() == expected;
}

// True when `v` (a number or a list of numbers, or absent) is all 1s.
bool all_ones(const Json& v) {
  if (v.is_null()) return true;
  if (v.is_number()) return v.get<double>() == 1;
  if (!v.is_array()) return false;
  for (const Json& d : v) {
    if (!d.is_number() || d.get<double>() != 1) return false;
  }
  return true;
}

// What TF.js lacks of this layer ("" when it has all of it).
std::string tfjs_missing(const std::string& class_name, const Json& config) {
  if (class_name == "Subtract" || class_name == "SpatialDropout2D") return "the layer";
  for (const char* key : {"activation", "recurrent_activation"}) {
    const Json& a = config.value(key, Json());
    if (a.is_string() && tfjs_missing_activations().contains(a.get<std::string>())) {
      return "the activation '" + a.get<std::string>() + "'";
    }
  }
  if (class_name == "GRU" && config.value("reset_after", Json(false)) == Json(true)) {
    return "reset_after=true (its GRU resets before the recurrent product only)";
  }
  if (class_name == "ReLU" &&
      (!number_is(config, "negative_slope", 0) || !number_is(config, "threshold", 0))) {
    return "ReLU's negative_slope and threshold";
  }
  if (class_name == "ELU" && !number_is(config, "alpha", 1)) return "an alpha other than 1";
  if (class_name == "Softmax") {
    const Json& axis = config.value("axis", Json(-1));
    if (axis != Json(-1) && axis != Json::array({-1})) return "an axis other than the last";
  }
  if (class_name.starts_with("Global") && config.value("keepdims", Json(false)) == Json(true)) {
    return "keepdims=true";
  }
  if (class_name == "Conv1D" && config.value("padding", Json()) == Json("causal")) {
    return "causal padding";
  }
  if (class_name == "DepthwiseConv2D" && !all_ones(config.value("dilation_rate", Json()))) {
    return "a dilation_rate other than 1 (its DepthwiseConv2D ignores it)";
  }
  return "";
}

}  // namespace

void rewrite_keras3_config(Json& config) {
  if (!config.is_object()) return;
  if (config.contains("batch_shape") && !config.contains("batch_input_shape")) {
    config["batch_input_shape"] = config["batch_shape"];
    config.erase("batch_shape");
  }
  if (config.contains("dtype") && config["dtype"].is_object()) {
    const Json& policy = config["dtype"];
    const Json name = policy.contains("config") && policy["config"].is_object()
                          ? policy["config"].value("name", Json("float32"))
                          : Json("float32");
    config["dtype"] = name.is_string() ? name : Json("float32");
  }
}

Status tfjs_layer_config(Json& layer) {
  if (!layer.is_object() || !layer.contains("config") || !layer["config"].is_object()) {
    return ok_status();  // tf.loadLayersModel reports what it cannot read
  }
  Json& config = layer["config"];
  rewrite_keras3_config(config);
  for (const char* key : {"activation", "recurrent_activation"}) {
    if (config.value(key, Json()) == Json("silu")) config[key] = "swish";
  }
  const std::string class_name =
      layer.value("class_name", Json("")).is_string() ? layer["class_name"].get<std::string>() : "";
  const std::string missing = tfjs_missing(class_name, config);
  if (!missing.empty()) {
    const Json& name = config.value("name", Json(""));
    return unimplemented_error(
        "layer '" + (name.is_string() ? name.get<std::string>() : "") + "' (" + class_name +
        ") cannot be exported to TensorFlow.js: " + "TensorFlow.js lacks " + missing);
  }
  if (config.contains("layer")) return tfjs_layer_config(config["layer"]);  // a wrapper's
  return ok_status();
}

Result<std::string> tfjs_weight_name(const std::string& class_name, const std::string& layer_name,
                                     const std::string& keras_name) {
  const std::vector<std::string_view> parts = split(keras_name, '/');
  const std::string weight(parts.empty() ? std::string_view(keras_name) : parts.back());
  if (class_name != "Bidirectional") return layer_name + "/" + weight;
  if (parts.size() < 3 ||
      !(parts[1].starts_with("forward_") || parts[1].starts_with("backward_"))) {
    return invalid_argument_error("layer '" + layer_name + "' (Bidirectional): weight '" +
                                  keras_name +
                                  "' is not named '<layer>/forward_<rnn>/...' or "
                                  "'<layer>/backward_<rnn>/...'");
  }
  return layer_name + "/" + std::string(parts[1]) + "/" + weight;
}

}  // namespace cairn::internal
