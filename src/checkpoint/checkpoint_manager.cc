#include "cairn/checkpoint/checkpoint_manager.h"

#include <chrono>

#include "cairn/checkpoint/checkpoint.h"
#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/leftover_checkpoints.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "checkpoint/async_saver_thread.h"
#include "checkpoint/sharded_save.h"

namespace cairn {
namespace {

// tf.train.CheckpointManager's checkpoint_name: DIR/ckpt-N.
constexpr std::string_view kTfCheckpointName = "ckpt";

double system_seconds() {
  using std::chrono::duration;
  using std::chrono::system_clock;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

CheckpointManager::CheckpointManager(Checkpoint& checkpoint, CheckpointManagerOptions options,
                                     FileSystem& fs)
    : CheckpointManager(
          [&] {
            if (options.checkpoint_name.empty()) options.checkpoint_name = kTfCheckpointName;
            return std::move(options);
          }(),
          fs) {
  checkpoint_ = &checkpoint;
}

CheckpointManager::CheckpointManager(CheckpointManagerOptions options, FileSystem& fs)
    : options_(std::move(options)), fs_(fs) {
  if (options_.checkpoint_name.empty()) options_.checkpoint_name = kDefaultCheckpointName;
  last_preserved_ = now();
  if (!options_.group->is_chief()) return;  // the state file is rank 0's
  Result<CheckpointState> state = read_checkpoint_state(fs_, options_.directory);
  if (!state.ok()) {
    if (state.status().code() != StatusCode::kNotFound) throw_if_error(state.status());
    state_file_missing_ = true;
    return;
  }
  for (size_t i = 0; i < state->all_model_checkpoint_paths.size(); ++i) {
    std::string prefix = value_or_throw(internal::resolve_recorded_path(
        fs_, options_.directory, state->all_model_checkpoint_paths[i]));
    if (!fs_.file_exists(bundle_index_path(prefix))) continue;  // deleted by hand
    paths_.push_back(prefix);
    bool stamped = i < state->all_model_checkpoint_timestamps.size();
    timestamps_.push_back(stamped ? state->all_model_checkpoint_timestamps[i] : now());
  }
  if (state->last_preserved_timestamp) last_preserved_ = *state->last_preserved_timestamp;
}

std::optional<std::string> CheckpointManager::save(std::optional<int64_t> checkpoint_number,
                                                   bool check_interval) {
  if (checkpoint_ == nullptr) {
    throw FailedPreconditionError("CheckpointManager on " + options_.directory +
                                  ": save() without tensors needs a Checkpoint to save");
  }
  if (!interval_elapsed(check_interval)) return std::nullopt;
  lock_directory();
  return checkpoint_->save_with([&](int64_t counter, const NamedTensorRefs& tensors) {
    return save(checkpoint_number.value_or(counter), tensors);
  });
}

void CheckpointManager::lock_directory() {
  if (lock_) return;
  lock_ = std::make_unique<DirectoryLock>(options_.directory, "CheckpointManager: directory", fs_,
                                          *options_.group);
  lock_->collect_leftovers();
}

bool CheckpointManager::interval_elapsed(bool check_interval) {
  if (!options_.checkpoint_interval) return true;
  if (options_.step_counter == nullptr || options_.step_counter->num_elements() != 1) {
    throw InvalidArgumentError("CheckpointManager on " + options_.directory +
                               ": checkpoint_interval needs a scalar step_counter");
  }
  const auto step = static_cast<int64_t>(options_.step_counter->element_as_double(0));
  if (last_checkpoint_step_) {
    if (step == *last_checkpoint_step_) return false;
    if (check_interval && step < *last_checkpoint_step_ + *options_.checkpoint_interval) {
      return false;
    }
  }
  last_checkpoint_step_ = step;
  return true;
}

std::optional<std::string> CheckpointManager::restore_or_initialize() {
  if (checkpoint_ == nullptr) {
    throw FailedPreconditionError("CheckpointManager on " + options_.directory +
                                  ": restore_or_initialize() needs a Checkpoint to restore");
  }
  if (fs_.is_directory(options_.directory) &&
      !checkpoint_candidates(options_.directory, fs_).empty()) {
    return checkpoint_->restore(options_.directory, fs_).path();
  }
  if (options_.init_fn) options_.init_fn();
  return std::nullopt;
}

double CheckpointManager::now() const {
  return options_.clock ? options_.clock() : system_seconds();
}

std::optional<std::string> CheckpointManager::latest() const {
  if (paths_.empty()) return std::nullopt;
  return paths_.back();
}

std::string CheckpointManager::save(
    int64_t step, const NamedTensors& tensors,
    const std::function<void(const std::string& prefix)>& before_commit) {
  return save(step, refs_to(tensors), before_commit);
}

std::string CheckpointManager::save(
    int64_t step, const NamedTensorRefs& tensors,
    const std::function<void(const std::string& prefix)>& before_commit) {
  ProcessGroup& group = *options_.group;
  const std::string what = "checkpoint save at step " + std::to_string(step);
  if (group.size() > 1 && internal::on_async_saver_thread()) {
    throw FailedPreconditionError(
        what + ": asynchronous saves are not supported with " + std::to_string(group.size()) +
        " ranks (a save's collectives would run beside training's on the same group, in an "
        "order that differs between ranks); save synchronously");
  }
  const std::string prefix = checkpoint_prefix(options_.directory, options_.checkpoint_name, step);
  const std::vector<WrittenShard> shards = internal::write_shards(
      group, fs_, prefix, tensors, [&] { prepare_directory(); }, what);
  run_and_agree(
      group, [&] { commit(prefix, shards, before_commit); }, what);
  if (!group.is_chief()) paths_.assign(1, prefix);
  return prefix;
}

// Before rank 0's first save into a directory: the directory, and a state
// file (see write_state).
void CheckpointManager::prepare_directory() {
  if (!options_.group->is_chief() || !state_file_missing_) return;
  throw_if_error(fs_.create_directories(options_.directory));
  write_state("");
}

void CheckpointManager::commit(
    const std::string& prefix, const std::vector<WrittenShard>& shards,
    const std::function<void(const std::string& prefix)>& before_commit) {
  if (!options_.group->is_chief()) return;
  throw_if_error(commit_bundle_shards(fs_, prefix, shards));
  if (before_commit) before_commit(prefix);
  record(prefix);
}

// Lists `prefix` as the newest, applies retention and writes the state file.
void CheckpointManager::record(const std::string& prefix) {
  for (size_t i = paths_.size(); i-- > 0;) {  // re-saving a step moves it to the end
    if (paths_[i] == prefix) {
      paths_.erase(paths_.begin() + static_cast<std::ptrdiff_t>(i));
      timestamps_.erase(timestamps_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  paths_.push_back(prefix);
  timestamps_.push_back(now());
  std::vector<std::string> doomed;
  sweep(&doomed);

  write_state(prefix);
  // Only once the state file no longer lists them (.index first; what a kill
  // leaves is collected by the next trainer, leftover_checkpoints.h).
  for (const std::string& old : doomed) delete_checkpoint_files(fs_, old);
}

// In a directory without a state file, one naming no checkpoint is written
// before the first bundle: it records when retention started counting
// (last_preserved_timestamp), so that a bundle a kill leaves unlisted is
// recognised as a leftover later (leftover_checkpoints.h, rule 2).
void CheckpointManager::write_state(const std::string& newest) {
  CheckpointState state;
  state.model_checkpoint_path = newest;
  state.all_model_checkpoint_paths = paths_;
  state.all_model_checkpoint_timestamps = timestamps_;
  state.last_preserved_timestamp = last_preserved_;
  throw_if_error(write_checkpoint_state(fs_, options_.directory, state));
  state_file_missing_ = false;
}

// Drops the oldest checkpoints beyond max_to_keep; one every
// keep_checkpoint_every_n_hours is preserved (kept on disk, no longer listed).
void CheckpointManager::sweep(std::vector<std::string>* doomed) {
  if (options_.max_to_keep <= 0) return;
  while (paths_.size() > static_cast<size_t>(options_.max_to_keep)) {
    double period = options_.keep_checkpoint_every_n_hours * 3600.0;
    if (timestamps_.front() - last_preserved_ >= period) {
      last_preserved_ = timestamps_.front();
    } else {
      doomed->push_back(paths_.front());
    }
    paths_.erase(paths_.begin());
    timestamps_.erase(timestamps_.begin());
  }
}

void CheckpointManager::delete_checkpoint_files(FileSystem& fs, const std::string& prefix) {
  remove_bundle_files(fs, prefix);
  remove_bundle_files(fs, previous_bundle_prefix(prefix));
}

}  // namespace cairn
