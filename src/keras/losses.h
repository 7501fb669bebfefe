// Keras's losses by name (sparse_categorical_crossentropy,
// categorical_crossentropy, binary_crossentropy, mse, mae) and its metrics
// ("accuracy" resolved to the typed variant the loss implies, as Keras does).
//
// Targets are a [batch, k] float matrix: class ids in one column for the
// sparse loss, one-hot rows or values otherwise. The batch loss is the mean
// of the per-example losses (Keras's SUM_OVER_BATCH_SIZE).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/nn/activation.h"
#include "cairn/nn/matrix.h"

namespace cairn::keras::internal {

enum class LossKind {
  kSparseCategoricalCrossentropy,
  kCategoricalCrossentropy,
  kBinaryCrossentropy,
  kMeanSquaredError,
  kMeanAbsoluteError,
};

// Accepts Keras's function names, aliases (mse, mae) and class names.
std::optional<LossKind> loss_from_name(const std::string& name);
std::string loss_name(LossKind kind);

struct LossOutput {
  Eigen::VectorXf per_example;
  // d(mean loss)/d(outputs), or d/d(pre-activation) when `fused`.
  nn::Matrix gradient;
  bool fused = false;
};

// `preactivation` is the last layer's input to `activation`: cross-entropy
// after softmax (sigmoid) is computed from it, as TensorFlow does, which is
// exact where probabilities underflow. Otherwise Keras's formulas on
// probabilities clipped to [1e-7, 1 - 1e-7].
LossOutput compute_loss(LossKind kind, const nn::Matrix& outputs, const nn::Matrix* preactivation,
                        nn::Activation activation, const nn::Matrix& targets);

// Throws InvalidArgumentError when `targets` cannot be targets of this loss
// for outputs with `output_dim` columns (e.g. a class id out of range), naming the row.
void check_targets(LossKind kind, const nn::Matrix& targets, int64_t output_dim);

enum class MetricKind {
  kSparseCategoricalAccuracy,
  kCategoricalAccuracy,
  kBinaryAccuracy,
  kMeanSquaredError,
  kMeanAbsoluteError,
};

struct Metric {
  std::string name;  // the key in logs: "accuracy", "mse", ...
  MetricKind kind;
};

// "accuracy"/"acc" become the accuracy that fits the loss and output size;
// typed names stay as given. Throws InvalidArgumentError for unknown ones.
Metric resolve_metric(const std::string& name, LossKind loss, int64_t output_dim);

// One value per example (1 or 0 for accuracies).
Eigen::VectorXf metric_values(MetricKind kind, const nn::Matrix& outputs,
                              const nn::Matrix& targets);

// The same on outputs of rank 2 or more, whose samples hold `positions`
// vectors of the last axis each (outputs (T, k): T positions of k values),
// with targets (T, k) or class ids (T) / (T, 1): as Keras, a loss and a
// metric value per position, averaged over the sample's positions (so the
// batch loss is the mean over batch * positions). positions == 1 is the
// plain function.
// The vectors of the last axis in one sample of an output of `shape`
// (Keras's losses and metrics apply to each: an output (T, k) has T).
int64_t positions_of(const std::vector<int64_t>& shape);
LossOutput compute_loss_at_positions(LossKind kind, const nn::Matrix& outputs,
                                     const nn::Matrix* preactivation, nn::Activation activation,
                                     const nn::Matrix& targets, int64_t positions);
void check_targets_at_positions(LossKind kind, const nn::Matrix& targets, int64_t output_dim,
                                int64_t positions);
Eigen::VectorXf metric_values_at_positions(MetricKind kind, const nn::Matrix& outputs,
                                           const nn::Matrix& targets, int64_t positions);

}  // namespace cairn::keras::internal
