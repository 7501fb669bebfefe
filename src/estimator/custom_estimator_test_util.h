// Test-only helpers for the custom Estimator tests: TensorFlow's
// custom_estimator.py model_fn on Iris (widths from params) and its input.
#pragma once

#include <string>
#include <vector>

#include "cairn/estimator/estimator.h"
#include "cairn/estimator/model_fn.h"
#include "cairn/keras.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator::testing {

// custom_estimator.py's model_fn; params: "hidden_units" (default [10, 10]),
// "n_classes" (3), "learning_rate" (0.1), "optimizer" ("Adagrad").
inline EstimatorSpec iris_model_fn(Features& features, const Labels& labels, ModeKeys mode,
                                   const Params& params) {
  keras::KerasTensor net = input_layer(features);
  for (int64_t units : params.value("hidden_units", std::vector<int64_t>{10, 10})) {
    net = keras::Dense(units, {.activation = "relu"})(net);
  }
  keras::KerasTensor logits = keras::Dense(params.value("n_classes", int64_t{3}))(net);
  Output predicted = argmax(logits);
  if (mode == ModeKeys::kPredict) {  // as custom_estimator.py: predictions in PREDICT alone
    return {.mode = mode,
            .predictions = {
                {"class_ids", predicted}, {"probabilities", softmax(logits)}, {"logits", logits}}};
  }
  return {.mode = mode,
          .loss = losses::sparse_softmax_cross_entropy(labels, logits),
          .optimizer = OptimizerSettings{params.value("optimizer", std::string("Adagrad")),
                                         params.value("learning_rate", 0.1)},
          .eval_metric_ops = {{"accuracy", metrics::accuracy(labels, predicted)}}};
}

inline EstimatorOptions custom_iris_options(const std::string& model_dir, Params params = {}) {
  EstimatorOptions o;
  o.model_dir = model_dir;
  o.config.tf_random_seed = 42;
  o.config.log = [](const std::string&) {};
  o.params = params.is_null() ? Params::object() : std::move(params);
  o.feature_columns = iris_columns();  // the CSV's order
  return o;
}

inline data::InputFn custom_train_input_fn(int64_t batch = 100) {
  return [batch] {
    return make_dataset(iris_train(), iris_columns()).shuffle(1000, 7).repeat().batch(batch);
  };
}

inline data::InputFn custom_eval_input_fn() {
  return [] { return make_dataset(iris_test(), iris_columns()).batch(100); };
}

}  // namespace cairn::estimator::testing
