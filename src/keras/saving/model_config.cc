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

// Keras 3 and some 2.x losses are objects: {"class_name": ..., "config": {"name": ...}}.
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

// Sizes past 2^31 per dimension are refused before they reach an allocation.
constexpr int64_t kMaxDimension = int64_t{1} << 31;

// a * b + c, or -1 when it exceeds `limit` (all non-negative).
int64_t checked_fma(int64_t a, int64_t b, int64_t c, int64_t limit) {
  int64_t product = 0, sum = 0;
  if (__builtin_mul_overflow(a, b, &product) || __builtin_add_overflow(product, c, &sum)) return -1;
  return sum > limit ? -1 : sum;
}

void check_dimension(int64_t d, const std::string& what) {
  if (d < 1 || d >= kMaxDimension) {
    throw InvalidArgumentError("model_config: " + what + " " + std::to_string(d) +
                               " is not between 1 and 2^31");
  }
}

// What building the layers would allocate, checked before any layer is
// built: every dimension and unit count in [1, 2^31), and no more weights
// than `max_parameters`.
void check_sizes(const std::vector<std::pair<std::string, Json>>& layers, int64_t max_parameters) {
  std::optional<Shape> shape;
  int64_t parameters = 0;
  for (const auto& [layer_class, config] : layers) {
    if (!shape) shape = input_shape_from_config(config);
    if (shape) {
      for (int64_t d : *shape) check_dimension(d, "input dimension");
    }
    if (layer_class == "Flatten" && shape) {
      int64_t features = 1;
      for (int64_t d : *shape) {
        if (features > 0) features = checked_fma(features, d, 0, kMaxDimension - 1);
      }
      check_dimension(features, "flattened size");
      shape = Shape{features};
    }
    if (layer_class != "Dense" || !config.contains("units") ||
        !config["units"].is_number_integer()) {
      continue;
    }
    const int64_t units = config["units"].get<int64_t>();
    check_dimension(units, "Dense units");
    if (shape && shape->size() == 1) {
      const int64_t biases = config.value("use_bias", true) ? units : 0;
      const int64_t weights = checked_fma(shape->front(), units, biases, max_parameters);
      parameters = weights < 0 ? -1 : checked_fma(1, parameters, weights, max_parameters);
      if (parameters < 0) {
        throw InvalidArgumentError("model_config declares more weights than the " +
                                   std::to_string(max_parameters) + " the file holds");
      }
    }
    shape = Shape{units};
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
  if (class_name != "Sequential") {
    throw InvalidArgumentError("model class '" + class_name +
                               "' is not supported: cairn loads Sequential models");
  }
  if (layers.empty()) throw InvalidArgumentError("the Sequential model config has no layers");
  add_input_from_build_shape(model_config, layers);
  check_sizes(layers, max_parameters);
  std::string name =
      model_config["config"].is_object() ? name_from_config(model_config["config"]) : "";
  Sequential model({}, name);
  for (const auto& [layer_class, config] : layers)
    model.add(layer_from_config(layer_class, config));
  return model;
}

}  // namespace

Sequential model_from_config(const Json& model_config, int64_t max_parameters) {
  try {
    return build_from_config(model_config, max_parameters);
  } catch (const Json::exception& e) {  // a value of the wrong JSON type
    throw InvalidArgumentError(std::string("model_config is not a Keras model config: ") +
                               e.what());
  }
}

Json model_config_json(const Sequential& model) {
  return Json{{"class_name", "Sequential"},
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
