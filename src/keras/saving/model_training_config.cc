// A functional Model's training_config (the compile() arguments a Keras 2
// .h5 file keeps beside model_config), written and read back.
#include <algorithm>

#include "cairn/core/errors.h"
#include "keras/losses.h"
#include "keras/saving/model_config.h"

namespace cairn::keras::internal {

namespace {

// A known loss name, or "" (with `why`) for one cairn lacks.
std::string known_loss(const Json& loss, std::string& why) {
  const std::string text = loss_text(loss);
  if (!loss_from_name(text)) why = "loss '" + text + "' is not one cairn has";
  return why.empty() ? text : "";
}

// `loss` (a string, a list or a map by output name) as compile() takes it.
bool read_losses(const Json& loss, const std::vector<std::string>& outputs,
                 ModelCompileOptions& options, std::string& why) {
  if (loss.is_object() && !loss.contains("class_name")) {
    for (const auto& [output, value] : loss.items()) {
      if (std::find(outputs.begin(), outputs.end(), output) == outputs.end()) {
        why = "the loss names output '" + output + "', which the model lacks";
        return false;
      }
      options.loss_by_output[output] = known_loss(value, why);
    }
  } else if (loss.is_array()) {
    for (const Json& value : loss) options.loss.push_back(known_loss(value, why));
  } else {
    options.loss.push_back(known_loss(loss, why));
  }
  if (options.loss.empty() && options.loss_by_output.empty()) why = "it names no loss";
  return why.empty();
}

// loss_weights: a list in output order, or a map by output name (1 for the others).
std::vector<double> read_loss_weights(const Json& weights,
                                      const std::vector<std::string>& outputs) {
  std::vector<double> out;
  if (weights.is_array()) {
    for (const Json& w : weights) out.push_back(w.get<double>());
  } else if (weights.is_object()) {
    for (const std::string& name : outputs) out.push_back(weights.value(name, 1.0));
  }
  return out;
}

// The metric names cairn has, from Keras's list (or per-output lists or map).
std::vector<std::string> read_metrics(const Json& metrics) {
  std::vector<std::string> out;
  auto add = [&out](const Json& m) {
    const Json& metric = m.is_array() && !m.empty() ? m[0] : m;
    if (!metric.is_string()) return;
    const std::string name = metric.get<std::string>();
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  if (metrics.is_object()) {
    for (const auto& [output, m] : metrics.items()) add(m);
  } else if (metrics.is_array()) {
    for (const Json& m : metrics) add(m);
  }
  return out;
}

}  // namespace

Json training_config_json(const Model& model) {
  const ModelCompileOptions& c = model.compile_options();
  const std::vector<std::string> outputs = model.output_names();
  Json losses = Json::object();
  for (size_t k = 0; k < outputs.size(); ++k) {
    auto named = c.loss_by_output.find(outputs[k]);
    const std::string loss = named != c.loss_by_output.end() ? named->second
                             : c.loss.size() == 1            ? c.loss[0]
                                                             : c.loss[k];
    const std::optional<LossKind> kind = loss_from_name(loss);
    losses[outputs[k]] = kind ? loss_name(*kind) : loss;
  }
  Json weights = nullptr;
  if (!c.loss_weights.empty()) weights = c.loss_weights;
  return Json{{"loss", std::move(losses)},     {"metrics", c.metrics},
              {"weighted_metrics", nullptr},   {"loss_weights", std::move(weights)},
              {"sample_weight_mode", nullptr}, {"optimizer_config", c.optimizer.to_json()}};
}

std::optional<ModelCompileOptions> model_compile_options_from(
    const Json& training_config, const std::vector<std::string>& outputs, std::string& why) {
  try {
    ModelCompileOptions options;
    if (!read_losses(training_config.value("loss", Json()), outputs, options, why)) {
      return std::nullopt;
    }
    options.loss_weights =
        read_loss_weights(training_config.value("loss_weights", Json()), outputs);
    options.optimizer = OptimizerSpec::from_json(training_config.value("optimizer_config", Json()));
    const std::string first_loss =
        options.loss.empty() ? options.loss_by_output.begin()->second : options.loss[0];
    for (const std::string& m : read_metrics(training_config.value("metrics", Json::array()))) {
      try {  // keep the metrics cairn has
        resolve_metric(m, *loss_from_name(first_loss), 2);
        options.metrics.push_back(m);
      } catch (const InvalidArgumentError&) {
      }
    }
    return options;
  } catch (const Json::exception& e) {  // a value of the wrong JSON type
    why = std::string("training_config is not a Keras training config: ") + e.what();
  } catch (const InvalidArgumentError& e) {  // an optimizer cairn lacks
    why = e.what();
  }
  return std::nullopt;
}

}  // namespace cairn::keras::internal
