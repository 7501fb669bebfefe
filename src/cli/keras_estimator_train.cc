#include "cli/keras_estimator_train.h"

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/estimator/keras_estimator.h"
#include "cairn/keras/model.h"

namespace cairn::cli {
namespace {

keras::Model load_keras_model(const std::string& path) {
  if (path.ends_with(".json")) {
    return keras::functional_model_from_json(value_or_throw(default_file_system().read_file(path)),
                                             path);
  }
  return keras::load_functional_model(path);
}

// compile() with the file's settings, each overridden by its flag.
void compile_for_training(keras::Model& model, const TrainCommand& cmd) {
  if (model.compiled() && !cmd.loss && !cmd.optimizer && !cmd.learning_rate) return;
  keras::ModelCompileOptions o;
  if (model.compiled()) o = model.compile_options();
  if (cmd.loss || o.loss.empty()) {
    o.loss = {cmd.loss.value_or("sparse_categorical_crossentropy")};
    o.loss_by_output.clear();
  }
  if (o.metrics.empty() && o.loss[0] == "sparse_categorical_crossentropy") o.metrics = {"accuracy"};
  if (!model.compiled()) o.optimizer = "adam";
  if (cmd.optimizer) o.optimizer = keras::OptimizerSpec(*cmd.optimizer);
  if (cmd.learning_rate) {
    nlohmann::ordered_json j = o.optimizer.to_json();
    j["config"]["learning_rate"] = *cmd.learning_rate;
    o.optimizer = keras::OptimizerSpec::from_json(j);
  }
  model.compile(o);
}

}  // namespace

std::unique_ptr<estimator::Estimator> keras_estimator(const TrainCommand& cmd,
                                                      estimator::RunConfig config) {
  if (cmd.hidden_units || cmd.n_classes) {
    throw InvalidArgumentError(
        "--hidden-units and --n-classes describe canned models; a Keras model's layers are in "
        "its --model file");
  }
  if (!cmd.keras_model) {
    if (!latest_checkpoint(cmd.model_dir)) {
      throw InvalidArgumentError("--estimator keras needs --model for a new model_dir (" +
                                 cmd.model_dir + " has no checkpoint)");
    }
    auto existing = estimator::Estimator::from_model_dir(cmd.model_dir, config);
    if (!existing->is_custom()) {
      throw InvalidArgumentError(
          cmd.model_dir + " holds a canned " +
          std::string(estimator::estimator_type_name(existing->spec().type)) +
          ", not a Keras model");
    }
    return existing;
  }
  keras::Model model = load_keras_model(*cmd.keras_model);
  if (model.input_names().size() != 1) {
    throw InvalidArgumentError(*cmd.keras_model + ": the model has " +
                               std::to_string(model.input_names().size()) +
                               " inputs; a CSV feeds models of one input");
  }
  compile_for_training(model, cmd);
  return std::make_unique<estimator::Estimator>(estimator::model_to_estimator(
      model, {.model_dir = cmd.model_dir, .config = std::move(config)}));
}

}  // namespace cairn::cli
