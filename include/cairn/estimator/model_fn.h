// A model function of your own, as tf.estimator's model_fn: it builds the
// model from Keras layers on the features and says, in an EstimatorSpec,
// what to predict, which loss to minimise with which optimizer, and which
// metrics to evaluate. An Estimator (cairn/estimator/estimator.h) runs it
// afresh on every train, evaluate and predict call and restores the newest
// checkpoint of its model_dir into what it built.
//
//   EstimatorSpec my_model(const Features& features, const Labels& labels, ModeKeys mode,
//                          const Params& params) {
//     keras::KerasTensor net = input_layer(features);      // the features, by key
//     for (int units : params["hidden_units"])
//       net = keras::Dense(units, {.activation = "relu"})(net);
//     keras::KerasTensor logits = keras::Dense(params["n_classes"].get<int64_t>())(net);
//     Output predicted_classes = argmax(logits);
//     if (mode == ModeKeys::kPredict)
//       return {.mode = mode, .predictions = {{"class_ids", predicted_classes},
//                                             {"probabilities", softmax(logits)},
//                                             {"logits", logits}}};
//     return {.mode = mode,
//             .loss = losses::sparse_softmax_cross_entropy(labels, logits),
//             .optimizer = {.name = "Adagrad", .learning_rate = 0.1},
//             .eval_metric_ops = {{"accuracy", metrics::accuracy(labels, predicted_classes)}}};
//   }
//   Estimator classifier(my_model, {.model_dir = "models/custom_iris",
//                                   .params = {{"hidden_units", {10, 10}}, {"n_classes", 3}}});
//
// Layer names restart for every call of the model_fn (as in TensorFlow,
// where each call builds a new graph), so its variables keep their names
// ("dense/kernel", "dense_1/kernel", ...) from call to call. What the TRAIN
// and PREDICT specs name is recorded with each checkpoint (the Keras models'
// configs, the feature widths, the loss, metrics and optimizer), so
// Estimator::from_model_dir can evaluate, predict and serve it without the
// model_fn.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/keras/keras_tensor.h"

namespace cairn::estimator {

// tf.estimator.ModeKeys.
enum class ModeKeys { kTrain, kEval, kPredict };
// "train", "eval", "infer" (TensorFlow's values).
std::string_view mode_name(ModeKeys mode);

// A model_fn's params (tf.estimator.Estimator's params dict).
using Params = nlohmann::json;

// The features of one call, each [batch, width] as the input_fn yields them.
// Asking for a feature makes the Keras Input that receives it.
class Features {
 public:
  // Feature key -> width.
  explicit Features(std::map<std::string, int64_t> widths) : widths_(std::move(widths)) {}

  // keras::Input({width}, key) for one feature (the same tensor on every
  // call); InvalidArgumentError naming the key and the keys there are.
  keras::KerasTensor operator[](const std::string& key);
  // Every feature concatenated, sorted by key (tf.feature_column.input_layer):
  // one Input named "input_layer".
  keras::KerasTensor input_layer();

  const std::map<std::string, int64_t>& widths() const { return widths_; }
  // The Inputs made, each with the feature keys it receives (in order).
  const std::vector<std::pair<keras::KerasTensor, std::vector<std::string>>>& inputs() const {
    return inputs_;
  }

 private:
  std::map<std::string, int64_t> widths_;
  std::vector<std::pair<keras::KerasTensor, std::vector<std::string>>> inputs_;
};

// tf.feature_column.input_layer(features, columns) for the columns the input_fn yields.
inline keras::KerasTensor input_layer(Features& features) { return features.input_layer(); }

// The labels of one call: [batch, width] (class ids in one column for classifiers).
struct Labels {
  int64_t width = 1;
};

// What the Estimator computes from a tensor of the model: the tensor itself,
// or an op on it applied row by row.
struct Output {
  enum class Op { kIdentity, kArgMax, kSoftmax, kSigmoid };
  // The tensor itself.
  Output(keras::KerasTensor t)  // NOLINT(google-explicit-constructor): reads like TensorFlow
      : tensor(std::move(t)) {}
  Output(keras::KerasTensor t, Op o) : tensor(std::move(t)), op(o) {}

  keras::KerasTensor tensor;
  Op op = Op::kIdentity;
};
// tf.argmax(t, 1): each row's class id (one column; for one column, t > 0).
inline Output argmax(const keras::KerasTensor& t) { return {t, Output::Op::kArgMax}; }
// tf.nn.softmax(t) (for one column: [1 - sigmoid, sigmoid], as a binary head).
inline Output softmax(const keras::KerasTensor& t) { return {t, Output::Op::kSoftmax}; }
// tf.sigmoid(t).
inline Output sigmoid(const keras::KerasTensor& t) { return {t, Output::Op::kSigmoid}; }

// The loss to minimise: the mean over the batch of a per-example loss.
struct Loss {
  enum class Kind {
    kSparseSoftmaxCrossEntropy,
    kSigmoidCrossEntropy,
    kMeanSquaredError,
    kKeras,  // a Keras loss by name (keras_name), on the output as it is
  };
  Kind kind = Kind::kSparseSoftmaxCrossEntropy;
  keras::KerasTensor output;  // logits, or predictions for squared error and Keras losses
  std::string keras_name;     // kKeras: "sparse_categorical_crossentropy", "mse", ...
};

namespace losses {
// tf.losses.sparse_softmax_cross_entropy: labels class ids in [0, classes).
inline Loss sparse_softmax_cross_entropy(const Labels&, const keras::KerasTensor& logits) {
  return {Loss::Kind::kSparseSoftmaxCrossEntropy, logits};
}
// tf.losses.sigmoid_cross_entropy: one logit per row, labels 0 or 1.
inline Loss sigmoid_cross_entropy(const Labels&, const keras::KerasTensor& logits) {
  return {Loss::Kind::kSigmoidCrossEntropy, logits};
}
// tf.losses.mean_squared_error (summed over a row's columns, as TF's regression head).
inline Loss mean_squared_error(const Labels&, const keras::KerasTensor& predictions) {
  return {Loss::Kind::kMeanSquaredError, predictions};
}
// A Keras loss by name (cairn/keras/loss_function.h) on `outputs` as they
// are, e.g. sparse_categorical_crossentropy of a softmax layer's output.
inline Loss keras_loss(const Labels&, std::string name, const keras::KerasTensor& outputs) {
  return {Loss::Kind::kKeras, outputs, std::move(name)};
}
}  // namespace losses

// An eval metric op: a value accumulated over every batch of evaluate().
struct MetricOp {
  enum class Kind { kAccuracy, kMean, kAuc, kPrecision, kRecall, kRootMeanSquaredError };
  Kind kind = Kind::kAccuracy;
  Output values;  // predictions (class ids, probabilities, values) or what mean() averages
};

namespace metrics {
// tf.metrics.accuracy(labels, predictions): predictions are class ids.
inline MetricOp accuracy(const Labels&, Output predictions) {
  return {MetricOp::Kind::kAccuracy, std::move(predictions)};
}
// tf.metrics.mean(values): the mean of every value over every batch.
inline MetricOp mean(Output values) { return {MetricOp::Kind::kMean, std::move(values)}; }
// tf.metrics.auc(labels, predictions): labels 0/1, predictions the positive
// class's probability (the last column), 200 thresholds, trapezoidal.
inline MetricOp auc(const Labels&, Output probabilities) {
  return {MetricOp::Kind::kAuc, std::move(probabilities)};
}
// tf.metrics.precision / recall: labels 0/1, predictions class ids (nonzero: positive).
inline MetricOp precision(const Labels&, Output predictions) {
  return {MetricOp::Kind::kPrecision, std::move(predictions)};
}
inline MetricOp recall(const Labels&, Output predictions) {
  return {MetricOp::Kind::kRecall, std::move(predictions)};
}
// tf.metrics.root_mean_squared_error(labels, predictions).
inline MetricOp root_mean_squared_error(const Labels&, Output predictions) {
  return {MetricOp::Kind::kRootMeanSquaredError, std::move(predictions)};
}
}  // namespace metrics

// The optimizer minimising the loss, as tf.train's (slots named
// "<variable>/<Slot>", e.g. "dense/kernel/Adagrad"): "Adagrad", "Adam",
// "SGD" (GradientDescent), "RMSProp", "Ftrl".
struct OptimizerSettings {
  std::string name = "Adagrad";
  double learning_rate = 0.1;
};

// tf.estimator.EstimatorSpec. PREDICT needs predictions; EVAL a loss; TRAIN
// a loss and an optimizer. Predictions, loss and metrics may read any
// tensors of the model built from the features.
struct EstimatorSpec {
  ModeKeys mode = ModeKeys::kTrain;
  std::map<std::string, Output> predictions;
  std::optional<Loss> loss;
  std::optional<OptimizerSettings> optimizer;  // the train_op: optimizer.minimize(loss)
  std::map<std::string, MetricOp> eval_metric_ops;
  // The names of the predictions a SavedModel export serves (its
  // serving_default outputs); empty: every prediction the exporter can serve.
  std::vector<std::string> export_outputs;
};

using ModelFn = std::function<EstimatorSpec(Features& features, const Labels& labels, ModeKeys mode,
                                            const Params& params)>;

}  // namespace cairn::estimator
