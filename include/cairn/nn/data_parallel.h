// Data-parallel training's two collectives over a model's variables: every
// rank of a ProcessGroup holds a replica of the model, trains it on its own
// slice of each global batch, and the replicas stay equal because
//   - they start equal: rank 0's values are copied to every rank once
//     (broadcast_values), so unseeded initialisations and restores agree;
//   - every step they apply the same update: each rank's gradients, weighted
//     by its share of the global batch, are summed over the ranks
//     (all_reduce_gradients) before the optimizer's step.
// The Estimators' train() and keras::Sequential::fit both use these.
//
//   cairn::nn::broadcast_values(group, model_and_optimizer_variables, "train: initial values");
//   for each global batch of `global_rows` rows:
//     cairn::RankSlice mine = cairn::rank_slice(global_rows, group.rank(), group.size());
//     ... forward and backward on rows [mine.begin, mine.end) (mean loss over them) ...
//     float loss_share = local_loss_sum / global_rows;
//     cairn::nn::all_reduce_gradients(group, model_variables, float(mine.rows()) / global_rows,
//                                     {&loss_share, 1}, "train: step 12");
//     optimizer.apply_gradients(model_variables);   // the same update on every rank
//
// With weight = local rows / global rows, the sum is the gradient of the
// mean loss over the global batch: N ranks with b rows each train like one
// process with N·b rows (up to float rounding in the order of the sums).
// The sum's order is the group's, fixed, so a run repeated gives the same bits.
#pragma once

#include <span>
#include <string>

#include "cairn/core/process_group.h"
#include "cairn/nn/variable.h"

namespace cairn::nn {

// Replaces the values of `variables` on every rank by rank 0's, in one
// broadcast. The variables must have the same dtypes and shapes on every
// rank (the same model); otherwise throws FailedPreconditionError naming the
// byte counts. Fixed-width dtypes only. `what` names the step in timeouts.
void broadcast_values(ProcessGroup& group, const VariableRefs& variables, const std::string& what);

// Replaces the gradient of each trainable variable by the sum over the ranks
// of weight · gradient, and each of `extras` (per-step scalars such as a
// share of the loss) by its sum, in one all-reduce of one flat float32
// buffer. Non-trainable variables are skipped. Gradients must be float32
// with the variable's shape (InternalError naming the variable otherwise).
void all_reduce_gradients(ProcessGroup& group, const VariableRefs& variables, float weight,
                          std::span<float> extras, const std::string& what);

}  // namespace cairn::nn
