// model_to_estimator: the Keras model's config, weights and compile() settings
// as the record of a model_fn's model (custom_definition.h), so it trains,
// restores and serves as any custom Estimator.
#include "cairn/estimator/keras_estimator.h"

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/keras/loss_function.h"
#include "estimator/custom_definition.h"
#include "estimator/custom_head.h"
#include "estimator/custom_network.h"

namespace cairn::estimator {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string keras_loss_name(const keras::Model& model) {
  const keras::ModelCompileOptions& o = model.compile_options();
  const std::string output = model.output_names()[0];
  auto by_output = o.loss_by_output.find(output);
  if (by_output != o.loss_by_output.end()) return by_output->second;
  if (o.loss.empty()) throw FailedPreconditionError("model_to_estimator: the model has no loss");
  return o.loss[0];
}

// The head: the output as a prediction named after its layer, Keras's loss
// on it, the optimizer compile() was given, and accuracy where it applies.
internal::CustomHead keras_head(const keras::Model& model) {
  internal::CustomHead head;
  const std::string output = model.output_names()[0];
  const std::string loss = keras_loss_name(model);
  head.predictions = {{output, {0, Output::Op::kIdentity}}};
  head.loss = internal::HeadLoss{Loss::Kind::kKeras, 0, loss};
  const keras::OptimizerSpec& optimizer = model.compile_options().optimizer;
  head.optimizer = OptimizerSettings{optimizer.class_name(), optimizer.learning_rate()};
  for (const std::string& metric : model.compile_options().metrics) {
    const bool sparse =
        loss == "sparse_categorical_crossentropy" || loss == "SparseCategoricalCrossentropy";
    if ((metric != "accuracy" && metric != "acc") || !sparse) {
      throw UnimplementedError("model_to_estimator: metric '" + metric + "' with loss '" + loss +
                               "' has no eval metric op; it takes accuracy with "
                               "sparse_categorical_crossentropy");
    }
    head.metrics.push_back({"accuracy", MetricOp::Kind::kAccuracy, {0, Output::Op::kArgMax}});
  }
  return head;
}

// The record of the model as a model_fn's (custom_definition.h), written by
// the one code that writes records: a training CustomNetwork's.
OrderedJson keras_record(const keras::Model& model) {
  internal::CustomModel m{.model = keras::Model::from_config(model.get_config()),
                          .column_order = model.input_names(),
                          .head = keras_head(model)};
  const std::vector<keras::Shape> shapes = model.input_shapes();
  for (size_t k = 0; k < shapes.size(); ++k) {
    int64_t width = 1;
    for (int64_t d : shapes[k]) width *= d;
    m.widths[m.column_order[k]] = width;
    m.input_keys.push_back({m.column_order[k]});
  }
  return internal::CustomNetwork(std::move(m), ModeKeys::kTrain).record();
}

}  // namespace

Estimator model_to_estimator(const keras::Model& model, ModelToEstimatorOptions options) {
  if (!model.compiled()) {
    throw FailedPreconditionError("model_to_estimator: model '" + model.name() +
                                  "' is not compiled: its loss and optimizer train the Estimator");
  }
  if (model.output_names().size() != 1) {
    throw UnimplementedError("model_to_estimator: model '" + model.name() + "' has " +
                             std::to_string(model.output_names().size()) +
                             " outputs; Estimators train models of one output");
  }
  auto definition =
      internal::recorded_definition(keras_record(model), "keras model '" + model.name() + "'");
  // Resolves an empty model_dir to a fresh temporary one.
  const Estimator bare(definition, std::move(options.model_dir), options.config, std::nullopt);
  // TensorFlow's keras/keras_model.ckpt: the model's weights, where the first train() starts.
  const std::string prefix = join_path(join_path(bare.model_dir(), "keras"), "keras_model.ckpt");
  if (!bare.latest_checkpoint()) {
    NamedTensors weights;
    for (const nn::Variable* v : model.weights()) weights.emplace_back(v->name, v->value);
    save_variables(prefix, weights, {.update_state_file = false}, *options.config.file_system);
  }
  return Estimator(std::move(definition), bare.model_dir(), std::move(options.config),
                   WarmStartSettings{.checkpoint = prefix});
}

}  // namespace cairn::estimator
