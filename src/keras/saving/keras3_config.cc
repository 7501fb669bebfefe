// Keras 3's config.json (keras3_config.h): cairn's layer configs dressed as
// Keras 3 serializes objects, the compile_config, and safe_mode's checks.
#include "keras/saving/keras3_config.h"

#include <cctype>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"
#include "keras/saving/model_config.h"

namespace cairn::keras::internal {
namespace {

// {"module", "class_name", "config", "registered_name": null}: how Keras 3
// serializes every built-in object.
Json keras_object(const std::string& module, const std::string& class_name, Json config) {
  return Json{{"module", module},
              {"class_name", class_name},
              {"config", std::move(config)},
              {"registered_name", nullptr}};
}

Json float32_policy() { return keras_object("keras", "DTypePolicy", Json{{"name", "float32"}}); }

// Keras 2's {"class_name", "config"} initializer as Keras 3 writes it.
Json keras3_initializer(const Json& keras2) {
  if (!keras2.is_object() || !keras2.contains("class_name")) return keras2;
  return keras_object("keras.initializers", keras2["class_name"].get<std::string>(),
                      keras2.value("config", Json::object()));
}

Json layer_entry(const Layer& layer, const Shape& input_shape) {
  Json config = layer.config();
  config.erase("batch_input_shape");  // the InputLayer holds it in Keras 3
  config.erase("activity_regularizer");
  config["dtype"] = float32_policy();
  for (auto& [key, value] : config.items()) {  // kernel_, bias_, gamma_initializer, ...
    if (key.ends_with("_initializer")) value = keras3_initializer(value);
  }
  Json entry = keras_object("keras.layers", layer.class_name(), std::move(config));
  entry["build_config"] = Json{{"input_shape", shape_json(input_shape)}};
  return entry;
}

Json input_layer_entry(const Shape& input_shape) {
  return keras_object("keras.layers", "InputLayer",
                      Json{{"batch_shape", shape_json(input_shape)},
                           {"dtype", "float32"},
                           {"sparse", false},
                           {"ragged", false},
                           {"name", "input_layer"}});
}

Json compile_config(const Sequential& model) {
  const CompileOptions& options = model.compile_options();
  return Json{{"optimizer", keras3_optimizer_config(options.optimizer)},
              {"loss", training_config_json(model)["loss"]},
              {"loss_weights", nullptr},
              {"metrics", options.metrics},
              {"weighted_metrics", nullptr},
              {"run_eagerly", false},
              {"steps_per_execution", 1},
              {"jit_compile", false}};
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Json keras3_model_config(const Sequential& model) {
  Json layers = Json::array({input_layer_entry(model.input_shape())});
  Shape shape = model.input_shape();
  for (const LayerPtr& layer : model.layers()) {
    layers.push_back(layer_entry(*layer, shape));
    shape = layer->output_shape();
  }
  Json config{{"name", model.name()},
              {"trainable", true},
              {"dtype", float32_policy()},
              {"layers", std::move(layers)},
              {"build_input_shape", shape_json(model.input_shape())}};
  Json out = keras_object("keras", "Sequential", std::move(config));
  out["build_config"] = Json{{"input_shape", shape_json(model.input_shape())}};
  if (model.compiled()) out["compile_config"] = compile_config(model);
  return out;
}

Json keras3_optimizer_config(const OptimizerSpec& optimizer) {
  Json keras2 = optimizer.to_json();
  Json config = keras2.value("config", Json::object());
  config["name"] = lowercase(optimizer.class_name());
  return keras_object("keras.optimizers", optimizer.class_name(), std::move(config));
}

std::optional<CompileOptions> compile_options_from_keras3(const Json& compile_config,
                                                          const std::string& saved_optimizer,
                                                          std::string& why) {
  if (!compile_config.is_object()) {
    why = "compile_config is not an object";
    return std::nullopt;
  }
  Json optimizer = compile_config.value("optimizer", Json());
  if (optimizer.is_string()) optimizer = Json{{"class_name", optimizer}};
  if (optimizer.is_null()) {  // Keras 3 compiles with its default, rmsprop
    optimizer = Json{{"class_name", saved_optimizer.empty() ? "rmsprop" : saved_optimizer}};
  }
  Json training{{"loss", compile_config.value("loss", Json())},
                {"metrics", compile_config.value("metrics", Json::array())},
                {"optimizer_config", optimizer}};
  if (training["metrics"].is_null()) training["metrics"] = Json::array();
  return compile_options_from(training, why);
}

}  // namespace cairn::keras::internal
