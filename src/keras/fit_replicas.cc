// fit() on a group of ranks (BaseModel::set_process_group), Sequential's and
// Model's: what keeps the replicas of the model equal. fit() starts every rank from rank 0's state,
// each step sums the weighted gradients and the batch's loss and metric sums
// over the ranks before the update, and every epoch ends with the ranks
// agreeing on whether to stop. A group of one skips all of it.
#include <cstdint>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/keras/base_model.h"
#include "cairn/nn/data_parallel.h"

namespace cairn::keras {

std::vector<CallbackPtr> BaseModel::callbacks_on_this_rank(
    const std::vector<CallbackPtr>& all) const {
  if (process_group().is_chief()) return all;
  std::vector<CallbackPtr> mine;
  for (const CallbackPtr& cb : all) {
    if (!cb->chief_only()) mine.push_back(cb);
  }
  return mine;
}

int BaseModel::start_replicas(int start_epoch, int64_t samples) {
  ProcessGroup& group = process_group();
  if (group.size() == 1) return start_epoch;
  // The seed decides the shuffle order of every epoch: the ranks must share
  // it (and the resumed epoch, and the optimizer's step count) with rank 0.
  nn::Variable state{
      "fit state",
      Tensor::from_vector<int64_t>(
          {static_cast<int64_t>(seed_), start_epoch, optimizer()->iterations(), samples}, {4}),
      false, Tensor()};
  nn::VariableRefs variables = weights();
  for (nn::Variable* v : optimizer()->variables()) variables.push_back(v);
  variables.push_back(&state);
  nn::broadcast_values(group, variables, "fit: rank 0's weights and optimizer state");
  std::span<const int64_t> values = state.value.flat<int64_t>();
  run_and_agree(
      group,
      [&] {
        if (values[3] == samples) return;
        throw InvalidArgumentError("fit: rank " + std::to_string(group.rank()) + " has " +
                                   std::to_string(samples) + " training samples, rank 0 " +
                                   std::to_string(values[3]) +
                                   "; every rank passes the same x and y (batch_size is "
                                   "the global batch, which each rank slices)");
      },
      "fit: checking the ranks' samples");
  seed_ = static_cast<uint64_t>(values[0]);
  optimizer()->set_iterations(values[2]);
  return static_cast<int>(values[1]);
}

void BaseModel::all_reduce_step(const nn::VariableRefs& weights, std::vector<double>& sums,
                                int64_t local_rows, int64_t global_rows) {
  // Float sums carry the loss and metrics with the gradients in one
  // all-reduce; their rounding (1e-7 relative) is far below what logs show.
  std::vector<float> extras(sums.begin(), sums.end());
  // Non-trainable weights (BatchNormalization's moving statistics) moved by
  // each rank's own rows are replaced by their mean over the ranks: what
  // Keras reads from per-replica statistics (synchronization ON_READ,
  // aggregation MEAN), and the ranks stay equal. They ride in the same buffer.
  const float share = 1.0f / static_cast<float>(process_group().size());
  std::vector<nn::Variable*> statistics;
  for (nn::Variable* w : weights) {
    if (w->trainable) continue;
    statistics.push_back(w);
    for (float v : w->value.flat<float>()) extras.push_back(v * share);
  }
  nn::all_reduce_gradients(
      process_group(), weights, static_cast<float>(local_rows) / static_cast<float>(global_rows),
      extras, "fit: gradients of step " + std::to_string(optimizer()->iterations() + 1));
  auto next = extras.begin() + static_cast<std::ptrdiff_t>(sums.size());
  for (nn::Variable* w : statistics) {
    for (float& v : w->value.flat<float>()) v = *next++;
  }
  sums.assign(extras.begin(), extras.begin() + static_cast<std::ptrdiff_t>(sums.size()));
}

void BaseModel::agree_to_stop(int epoch) {
  ProcessGroup& group = process_group();
  if (group.size() == 1) return;
  double stops = stop_training ? 1 : 0;
  group.all_reduce_sum(std::span<double>(&stops, 1),
                       "fit: end of epoch " + std::to_string(epoch + 1));
  stop_training = stops > 0;
}

}  // namespace cairn::keras
