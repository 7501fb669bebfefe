#include "keras/saving/model_config.h"

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/layer_factory.h"
#include "keras/losses.h"

namespace cairn::keras::internal {

namespace {

constexpr const char* kKerasVersion = "2.4.0";  // the layout cairn writes

// The layer entries of a Sequential or functional config.
const Json& layer_list(const Json& model_config) {
  static const Json kEmpty = Json::array();
  const Json& config = model_config.contains("config") ? model_config["config"] : kEmpty;
  if (config.is_array()) return config;  // Keras 2.1: the list itself
  if (config.is_object() && config.contains("layers") && config["layers"].is_array()) {
    return config["layers"];
  }
  return kEmpty;
}

// What building the layers would allocate, planned before any is built
// (Layer::plan_build): every layer takes the shape before it, no size
// reaches 2^31, and there are no more weights than `max_parameters`. The
// layers' constructors have already checked their own sizes. A layer that
// cannot plan ends the check: those after it are checked by their builds.
void check_sizes(const std::vector<LayerPtr>& layers, int64_t max_parameters) {
  if (layers.empty() || !layers.front()->declared_input_shape()) return;  // built from data later
  Shape shape = *layers.front()->declared_input_shape();
  sample_size(shape, layers.front()->name());
  int64_t parameters = 0;
  for (const LayerPtr& layer : layers) {
    if (layer->class_name() == "InputLayer") continue;
    const std::optional<Layer::BuildPlan> plan = layer->plan_build(shape);
    if (!plan) return;
    if (plan->parameters > max_parameters - parameters) {
      throw InvalidArgumentError("model_config declares more weights than the " +
                                 std::to_string(max_parameters) + " the file holds (at layer '" +
                                 layer->name() + "', which adds " +
                                 std::to_string(plan->parameters) + ")");
    }
    parameters += plan->parameters;
    shape = plan->output_shape;
  }
}

// A model built without an Input (model.build(shape)) records its input only
// as the Sequential config's build_input_shape (Keras 2.2+ and 3): an
// InputLayer entry in front says the same to the layers' checks and builder.
void add_input_from_build_shape(const Json& model_config,
                                std::vector<std::pair<std::string, Json>>& layers) {
  const Json& config = model_config.contains("config") ? model_config["config"] : Json();
  if (layers.empty() || layers.front().first == "InputLayer" || !config.is_object() ||
      !config.contains("build_input_shape") || input_shape_from_config(layers.front().second)) {
    return;
  }
  layers.insert(layers.begin(),
                {"InputLayer", Json{{"batch_input_shape", config["build_input_shape"]},
                                    {"name", "input_layer"}}});
}

Sequential build_from_config(const Json& model_config, int64_t max_parameters) {
  const std::string class_name = model_config.value("class_name", "");
  const Json& entries = layer_list(model_config);
  std::vector<std::pair<std::string, Json>> layers;
  for (const Json& entry : entries) {
    const std::string layer_class = entry.value("class_name", "");
    const Json config = entry.value("config", Json::object());
    // Refuse an unknown layer first: it is the most useful thing to say.
    if (!has_layer_class(layer_class)) layer_from_config(layer_class, config);
    layers.emplace_back(layer_class, config);
  }
  if (is_functional_class(class_name)) {
    throw InvalidArgumentError("model class '" + class_name +
                               "' is a functional model: load it with "
                               "keras::load_functional_model, which returns a keras::Model");
  }
  if (class_name != "Sequential") {
    throw InvalidArgumentError("model class '" + class_name +
                               "' is not supported: cairn loads Sequential and functional models");
  }
  if (layers.empty()) throw InvalidArgumentError("the Sequential model config has no layers");
  add_input_from_build_shape(model_config, layers);
  std::vector<LayerPtr> built;  // constructed: their sizes checked, nothing allocated
  for (const auto& [layer_class, config] : layers) {
    built.push_back(layer_from_config(layer_class, config));
  }
  check_sizes(built, max_parameters);
  std::string name =
      model_config["config"].is_object() ? name_from_config(model_config["config"]) : "";
  Sequential model({}, name);
  for (LayerPtr& layer : built) model.add(std::move(layer));
  return model;
}

}  // namespace

std::string loss_text(const Json& loss) {
  if (loss.is_string()) return loss.get<std::string>();
  if (loss.is_object()) {
    if (loss.contains("config") && loss["config"].is_object() && loss["config"].contains("name")) {
      return loss["config"]["name"].get<std::string>();
    }
    return loss.value("class_name", "");
  }
  return "";
}

bool is_functional_class(const std::string& class_name) {
  return class_name == "Functional" || class_name == "Model";
}

Model functional_from_sequential(Sequential& stack) {
  if (!stack.built()) {
    throw InvalidArgumentError("model '" + stack.name() + "' has no input shape");
  }
  const std::string first = stack.layers().empty() ? "input" : stack.layers()[0]->name();
  KerasTensor x = Input(stack.input_shape(), first + "_input");
  const KerasTensor input = x;
  for (const LayerPtr& layer : stack.layers()) x = layer(x);
  Model model({input}, {x}, stack.name());
  model.set_seed(stack.seed());
  return model;
}

Model functional_model_from_config(const Json& model_config, int64_t max_parameters) {
  try {
    const std::string class_name = model_config.value("class_name", "");
    if (!is_functional_class(class_name)) {
      Sequential stack = build_from_config(model_config, max_parameters);
      return functional_from_sequential(stack);
    }
    if (!model_config.contains("config")) {
      throw InvalidArgumentError("the functional model config has no 'config'");
    }
    return Model::from_config(model_config["config"], max_parameters);
  } catch (const Json::exception& e) {  // a value of the wrong JSON type
    throw InvalidArgumentError(std::string("model_config is not a Keras model config: ") +
                               e.what());
  }
}

Sequential model_from_config(const Json& model_config, int64_t max_parameters) {
  try {
    return build_from_config(model_config, max_parameters);
  } catch (const Json::exception& e) {  // a value of the wrong JSON type
    throw InvalidArgumentError(std::string("model_config is not a Keras model config: ") +
                               e.what());
  }
}

Json model_config_json(const BaseModel& model) {
  return Json{{"class_name", model.class_name()},
              {"config", model.get_config()},
              {"keras_version", kKerasVersion},
              {"backend", "tensorflow"}};
}

Json training_config_json(const Sequential& model) {
  const CompileOptions& c = model.compile_options();
  const std::optional<LossKind> kind = loss_from_name(c.loss);
  return Json{{"loss", kind ? loss_name(*kind) : c.loss},
              {"metrics", c.metrics},
              {"weighted_metrics", nullptr},
              {"loss_weights", nullptr},
              {"sample_weight_mode", nullptr},
              {"optimizer_config", c.optimizer.to_json()}};
}

namespace {

std::optional<CompileOptions> compile_options_or_throw(const Json& training_config,
                                                       std::string& why) {
  const std::string loss = loss_text(training_config.value("loss", Json()));
  if (!loss_from_name(loss)) {
    why = "loss '" + loss + "' is not one cairn has";
    return std::nullopt;
  }
  CompileOptions options{.optimizer = "rmsprop", .loss = loss, .metrics = {}};
  try {
    options.optimizer = OptimizerSpec::from_json(training_config.value("optimizer_config", Json()));
  } catch (const InvalidArgumentError& e) {
    why = e.what();
    return std::nullopt;
  }
  for (const Json& m : training_config.value("metrics", Json::array())) {
    // Keras 3 nests metrics in lists and objects; keep the names cairn knows.
    const Json& metric = m.is_array() && !m.empty() ? m[0] : m;
    const std::string metric_name = metric.is_string() ? metric.get<std::string>() : "";
    try {
      resolve_metric(metric_name, *loss_from_name(loss), 2);
      options.metrics.push_back(metric_name);
    } catch (const InvalidArgumentError&) {
    }
  }
  return options;
}

}  // namespace

std::optional<CompileOptions> compile_options_from(const Json& training_config, std::string& why) {
  try {
    return compile_options_or_throw(training_config, why);
  } catch (const Json::exception& e) {  // a value of the wrong JSON type
    why = std::string("training_config is not a Keras training config: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace cairn::keras::internal
