// model_to_estimator: a compiled Keras model as an Estimator, as
// tf.keras.estimator.model_to_estimator: the same layers and weights, the
// variable names TensorFlow gives them in a graph ("dense/kernel",
// "dense_1/bias", ... with the optimizer's slots "dense/kernel/Adam"), and
// the model_dir behaviour of every Estimator (RunConfig's schedule,
// restore on every call, the incompatibility report, events, .meta).
//
//   keras::Model model(...);   // e.g. keras::load_functional_model("iris.h5")
//   model.compile({.optimizer = "adam", .loss = {"sparse_categorical_crossentropy"},
//                  .metrics = {"accuracy"}});
//   estimator::Estimator est = keras::model_to_estimator(model, {.model_dir = "models/keras"});
//   est.train(input_fn, {.steps = 200});     // features keyed by the model's input names
//
// The model's current weights are written to model_dir/keras/keras_model.ckpt
// (when model_dir has no checkpoint yet) and the first train() warm-starts
// from them, as TensorFlow does. Predictions are named after the output
// layer; evaluate() reports "loss" and, for "accuracy" with a sparse
// categorical cross-entropy, "accuracy".
#pragma once

#include <string>

#include "cairn/estimator/estimator.h"
#include "cairn/keras/model.h"

namespace cairn::estimator {

struct ModelToEstimatorOptions {
  std::string model_dir;  // empty: a fresh temporary directory
  RunConfig config;
};

// FailedPreconditionError before compile(); UnimplementedError for several
// outputs, or a metric other than accuracy (with a sparse categorical
// cross-entropy), naming it.
Estimator model_to_estimator(const keras::Model& model, ModelToEstimatorOptions options = {});

}  // namespace cairn::estimator

namespace cairn::keras {
using estimator::model_to_estimator;  // tf.keras.estimator.model_to_estimator
}  // namespace cairn::keras
