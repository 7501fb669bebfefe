// Internal to the estimator layer: what a model_fn's EstimatorSpec asks of
// the model's outputs, with each tensor replaced by the index of the model
// output that computes it, so it can be recorded as JSON beside a
// checkpoint and rebuilt without the model_fn; and the math it needs: the
// losses and the streaming metrics (the row ops are in head_ops.h).
//
//   CustomHead head = ...;                       // from an EstimatorSpec
//   nn::LossResult loss = head_loss(*head.loss, outputs[head.loss->output], labels);
//   MetricAccumulator auc(MetricOp::Kind::kAuc);
//   auc.add(labels, apply_op(Output::Op::kSoftmax, logits));
//   double value = auc.result();
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/estimator/model_fn.h"
#include "cairn/nn/losses.h"

namespace cairn::estimator::internal {

// An Output of the spec: the model output it reads and the op applied to it.
struct HeadValue {
  size_t output = 0;
  Output::Op op = Output::Op::kIdentity;
};

struct HeadLoss {
  Loss::Kind kind = Loss::Kind::kSparseSoftmaxCrossEntropy;
  size_t output = 0;
  std::string keras_name;  // kKeras
};

struct HeadMetric {
  std::string name;
  MetricOp::Kind kind = MetricOp::Kind::kAccuracy;
  HeadValue value;
};

struct CustomHead {
  std::vector<std::pair<std::string, HeadValue>> predictions;  // sorted by name
  std::optional<HeadLoss> loss;
  std::optional<OptimizerSettings> optimizer;
  std::vector<HeadMetric> metrics;  // sorted by name
  std::vector<std::string> export_outputs;

  nlohmann::json to_json() const;
  // InvalidArgumentError naming `source` for malformed or unknown values, or
  // an output index of `outputs` or more.
  static CustomHead from_json(const nlohmann::json& json, size_t outputs,
                              const std::string& source);
};

// Names for messages and JSON: "argmax", "sparse_softmax_cross_entropy", "auc", ...
std::string op_name(Output::Op op);
std::string loss_name(Loss::Kind kind);
std::string metric_name(MetricOp::Kind kind);

// Per-example losses and d(mean loss)/d(output). InvalidArgumentError naming
// the row for a label that is not a class id (or 0/1), or a label width
// that does not fit the output.
nn::LossResult head_loss(const HeadLoss& loss, const nn::Matrix& output, const nn::Matrix& labels);

// One eval metric op accumulated over batches.
class MetricAccumulator {
 public:
  explicit MetricAccumulator(MetricOp::Kind kind);
  // `values` is the metric's Output for the batch's rows; `labels` theirs.
  void add(const nn::Matrix& labels, const nn::Matrix& values);
  double result() const;

 private:
  MetricOp::Kind kind_;
  double sum_ = 0, count_ = 0;         // accuracy, mean, RMSE
  double tp_ = 0, fp_ = 0, fn_ = 0;    // precision, recall
  std::vector<double> tp_at_, fp_at_;  // AUC: per threshold
  double positives_ = 0, negatives_ = 0;
};

}  // namespace cairn::estimator::internal
