// Internal to the estimator layer: the networks behind the canned
// Estimators, with TensorFlow 1.x's variable names, and their heads.
//
//   DNN     dnn/hiddenlayer_K/{kernel,bias} (relu by default, optional
//           dropout), dnn/logits/{kernel,bias}
//   linear  linear/linear_model/<feature key>/weights, linear/linear_model/bias_weights
//   head    softmax cross-entropy (n_classes > 2), sigmoid cross-entropy
//           (n_classes == 2, one logit), squared error (regressors); the
//           training loss is the mean over the batch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "cairn/data/dataset.h"
#include "cairn/estimator/estimator.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/nn/dense.h"
#include "cairn/nn/dropout.h"
#include "cairn/nn/losses.h"

namespace cairn::estimator::internal {

class CannedModel {
 public:
  CannedModel(const ModelSpec& spec, uint64_t seed);

  // The model's trainable variables, with their checkpoint names.
  nn::VariableRefs variables();
  // Logits [rows, logits_width]. Throws InvalidArgumentError for missing or
  // mis-sized features.
  nn::Matrix forward(const data::FeatureMap& features, bool training);
  // Sets every variable's gradient from dL/dlogits of the last forward().
  void backward(const nn::Matrix& dlogits);
  // The network as serving sees it (weights copied; see inference_model.cc).
  InferenceModel inference_model();

 private:
  ModelSpec spec_;
  std::mt19937_64 rng_;
  std::vector<data::NumericColumn> columns_;  // sorted by key
  std::vector<nn::Dense> hidden_;
  std::vector<nn::Dropout> dropouts_;
  std::vector<nn::Dense> outputs_;  // DNN: the logits layer; linear: one per column
  std::optional<nn::Variable> linear_bias_;
  std::vector<nn::Matrix> linear_inputs_;
};

// Per-example losses and d(mean loss)/d(logits). Labels are class ids
// (classifiers; INVALID_ARGUMENT when out of range) or targets (regressors).
nn::LossResult head_loss(const ModelSpec& spec, const nn::Matrix& logits, const nn::Matrix& labels);

// Class id (or regression output), probabilities and logits for each row.
std::vector<Prediction> head_predictions(const ModelSpec& spec, const nn::Matrix& logits);

// The ModelSpec's default learning rate for its optimizer and shape.
double default_learning_rate(const ModelSpec& spec);

}  // namespace cairn::estimator::internal
