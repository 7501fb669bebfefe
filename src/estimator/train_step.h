// Internal to the estimator layer: one training step of a train() call on
// its rank of config.process_group.
//
// Alone (a group of one) the step is what it always was: forward, loss and
// backward on the whole batch, then the optimizer's update. In a group of N,
// the batch is the GLOBAL batch: each rank takes its rank_slice() of it, the
// gradients are averaged over the ranks weighted by their rows (one
// all-reduce, nn/data_parallel.h) and every rank applies the same update, so
// N ranks with b rows each train like one process with N·b rows. The loss
// and rank 0's vote on what to do after the step (save a checkpoint, a
// decision made on rank 0's clock) ride in the same all-reduce.
//
//   StepResult r = train_step(session, batch, group, [&] { return due(step + 1); });
//   // r.loss: the mean over the global batch, the same on every rank
#pragma once

#include <functional>

#include "cairn/core/process_group.h"
#include "cairn/data/dataset.h"
#include "estimator/session.h"

namespace cairn::estimator::internal {

struct StepResult {
  float loss = 0;           // the mean over the global batch
  bool chief_vote = false;  // rank 0's chief_vote(), in a group of more than one
};

// Trains `session` one step on its share of `batch` and advances its global
// step. `chief_vote` is called on rank 0 only, before the update, and only
// in a group of more than one. Throws InternalError (on every rank) for a
// NaN or infinite loss, before any variable changes; InvalidArgumentError
// when the ranks' input_fn yielded batches of different sizes.
StepResult train_step(Session& session, const data::Batch& batch, ProcessGroup& group,
                      const std::function<bool()>& chief_vote);

}  // namespace cairn::estimator::internal
