// Keras's losses and metrics on outputs of rank 2 or more, e.g. a Dense
// on (timesteps, features) trained per timestep: each sample's row is
// regrouped into one row per position, the plain loss runs on those, and
// the per-position values are averaged back into one per sample.
#include <utility>

#include "cairn/core/errors.h"
#include "keras/losses.h"
#include "keras/tensor_rows.h"

namespace cairn::keras::internal {

namespace {

// The mean of each sample's `positions` consecutive values.
Eigen::VectorXf mean_per_sample(const Eigen::VectorXf& per_position, int64_t positions) {
  const Eigen::Index samples = per_position.size() / positions;
  return Eigen::Map<const nn::Matrix>(per_position.data(), samples, positions).rowwise().mean();
}

// targets regrouped into one row per position of `outputs_rows` samples.
const nn::Matrix& target_rows(const nn::Matrix& targets, int64_t positions, nn::Matrix& out) {
  if (targets.cols() % positions != 0) {
    throw InvalidArgumentError("targets have " + std::to_string(targets.cols()) +
                               " values per sample, which are not " + std::to_string(positions) +
                               " positions of the model's output");
  }
  return regroup_rows(targets, targets.rows() * positions, out);
}

}  // namespace

int64_t positions_of(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (size_t i = 0; i + 1 < shape.size(); ++i) n *= shape[i];
  return n;
}

LossOutput compute_loss_at_positions(LossKind kind, const nn::Matrix& outputs,
                                     const nn::Matrix* preactivation, nn::Activation activation,
                                     const nn::Matrix& targets, int64_t positions) {
  if (positions == 1) return compute_loss(kind, outputs, preactivation, activation, targets);
  const Eigen::Index rows = outputs.rows() * positions;
  nn::Matrix out, z, t;
  LossOutput loss =
      compute_loss(kind, regroup_rows(outputs, rows, out),
                   preactivation != nullptr ? &regroup_rows(*preactivation, rows, z) : nullptr,
                   activation, target_rows(targets, positions, t));
  nn::Matrix gradient;
  regroup_rows(loss.gradient, outputs.rows(), gradient);
  loss.gradient = std::move(gradient);
  loss.per_example = mean_per_sample(loss.per_example, positions);
  return loss;
}

void check_targets_at_positions(LossKind kind, const nn::Matrix& targets, int64_t output_dim,
                                int64_t positions) {
  nn::Matrix t;
  check_targets(kind, positions == 1 ? targets : target_rows(targets, positions, t), output_dim);
}

Eigen::VectorXf metric_values_at_positions(MetricKind kind, const nn::Matrix& outputs,
                                           const nn::Matrix& targets, int64_t positions) {
  if (positions == 1) return metric_values(kind, outputs, targets);
  nn::Matrix out, t;
  return mean_per_sample(metric_values(kind, regroup_rows(outputs, outputs.rows() * positions, out),
                                       target_rows(targets, positions, t)),
                         positions);
}

}  // namespace cairn::keras::internal
