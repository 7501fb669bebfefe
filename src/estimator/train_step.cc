#include "estimator/train_step.h"

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/nn/data_parallel.h"

namespace cairn::estimator::internal {
namespace {

void check_finite(float loss, int64_t step) {
  if (!std::isfinite(loss)) {
    throw InternalError("NaN or infinite loss during training at step " + std::to_string(step) +
                        "; nothing was saved for this step");
  }
}

// Sums over the ranks, in the gradients' all-reduce, of this rank's share of
// the global mean loss, rank 0's vote and this rank's global batch size.
StepResult all_reduce_step(Session& session, const nn::LossResult& loss, int64_t local_rows,
                           int64_t global_rows, ProcessGroup& group, int64_t step,
                           const std::function<bool()>& chief_vote) {
  const auto global = static_cast<float>(global_rows);
  std::array<float, 3> extras{loss.per_example.sum() / global,
                              group.is_chief() && chief_vote() ? 1.0f : 0.0f, global};
  nn::all_reduce_gradients(group, session.model->variables(),
                           static_cast<float>(local_rows) / global, extras,
                           "train: gradients of step " + std::to_string(step));
  if (extras[2] != global * static_cast<float>(group.size())) {
    throw InvalidArgumentError(
        "train: at step " + std::to_string(step) + " rank " + std::to_string(group.rank()) +
        "'s input_fn yielded a batch of " + std::to_string(global_rows) +
        " rows, but the ranks' batches add up to " + std::to_string(extras[2]) +
        "; input_fn must yield the same global batches on every rank (seed its shuffle)");
  }
  return {.loss = extras[0], .chief_vote = extras[1] > 0};
}

}  // namespace

StepResult train_step(Session& session, const data::Batch& batch, ProcessGroup& group,
                      const std::function<bool()>& chief_vote) {
  const int64_t step = session.step() + 1;
  const bool alone = group.size() == 1;
  const RankSlice mine = rank_slice(batch.rows(), group.rank(), group.size());
  std::optional<data::Batch> slice;  // alone, the batch is used in place
  if (!alone) slice = data::slice_rows(batch, mine.begin, mine.end);
  const data::Batch& local = alone ? batch : *slice;

  nn::LossResult loss = session.model->loss(local, /*training=*/true);
  StepResult result;
  if (alone) {
    result.loss = loss.per_example.mean();
    check_finite(result.loss, step);
    session.model->backward(loss.gradient);
  } else {
    // The global loss is known only with the gradients' sum, so backward
    // comes first; the check still precedes any update, on every rank alike.
    session.model->backward(loss.gradient);
    result = all_reduce_step(session, loss, mine.rows(), batch.rows(), group, step, chief_vote);
    check_finite(result.loss, step);
  }
  session.optimizer->apply_gradients(session.model->variables());
  session.set_step(step);
  return result;
}

}  // namespace cairn::estimator::internal
