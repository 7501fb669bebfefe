#include "cairn/estimator/run_config.h"

#include <cmath>

#include "cairn/core/errors.h"

namespace cairn::estimator {

void RunConfig::validate() const {
  if (file_system == nullptr) throw InvalidArgumentError("RunConfig: file_system is null");
  if (process_group == nullptr) throw InvalidArgumentError("RunConfig: process_group is null");
  if (save_checkpoints_secs && save_checkpoints_steps) {
    throw InvalidArgumentError(
        "RunConfig: save_checkpoints_steps and save_checkpoints_secs cannot both be set");
  }
  // Written so that NaN fails too.
  if (save_checkpoints_secs &&
      !(std::isfinite(*save_checkpoints_secs) && *save_checkpoints_secs > 0)) {
    throw InvalidArgumentError("RunConfig: save_checkpoints_secs (--save-checkpoints-secs) is " +
                               std::to_string(*save_checkpoints_secs) +
                               "; it must be a positive finite number of seconds");
  }
  if (!(keep_checkpoint_every_n_hours > 0)) {
    throw InvalidArgumentError("RunConfig: keep_checkpoint_every_n_hours is " +
                               std::to_string(keep_checkpoint_every_n_hours) +
                               "; it must be positive");
  }
  if (save_checkpoints_steps && *save_checkpoints_steps <= 0) {
    throw InvalidArgumentError("RunConfig: save_checkpoints_steps (--save-checkpoints-steps) is " +
                               std::to_string(*save_checkpoints_steps) + "; it must be positive");
  }
  if (save_summary_steps < 0 || log_step_count_steps < 0) {
    throw InvalidArgumentError("RunConfig: step counts must not be negative");
  }
}

std::optional<double> RunConfig::effective_save_secs() const {
  if (save_checkpoints_steps) return std::nullopt;
  return save_checkpoints_secs.value_or(600.0);
}

}  // namespace cairn::estimator
