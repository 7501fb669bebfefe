#include "cairn/keras/callbacks/backup_and_restore.h"

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/leftover_checkpoints.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/directory_swap.h"
#include "cairn/keras/sequential.h"
#include "keras/fit_directory_lock.h"
#include "keras/model_kinds.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace {

const std::string kEpochKey = object_variable_key("_training_state/epoch");
const std::string kSeedKey = object_variable_key("_training_state/seed");
// Backups are BACKUP_DIR/ckpt-EPOCH, as tf.keras names them.
constexpr std::string_view kBackupName = "ckpt";

// A stored integer scalar, exactly (a seed needs all 64 bits).
int64_t integer_of(const Tensor& scalar) {
  if (scalar.dtype() == DType::kInt64) return scalar.flat<int64_t>()[0];
  return static_cast<int64_t>(scalar.element_as_double(0));
}

void remove_bundle(FileSystem& fs, const std::string& prefix) {
  remove_bundle_files(fs, prefix);  // .index first
}

struct ResumePoint {
  int epoch;           // the epoch to start at
  std::string prefix;  // the backup it comes from
};

// The newest intact backup in `dir` restored into `model` (its weights,
// optimizer state and seed), or nullopt when there is none.
template <class M>
std::optional<ResumePoint> restore_backup(FileSystem& fs, M& model, const std::string& dir) {
  internal::TfWeightsRestore weights(model, {kEpochKey, kSeedKey});
  auto planner = [&weights](const CheckpointToRestore& c) { return weights.plan(c); };
  std::optional<Restored> restored = restore_newest(dir, planner, {}, fs);
  if (!restored) return std::nullopt;
  for (const std::string& why : restored->skipped) {
    model.output() << "WARNING: backup " << why << "; resuming from " << restored->prefix << "\n";
  }
  weights.finish();
  const Tensor* epoch = weights.small(kEpochKey);
  const Tensor* seed = weights.small(kSeedKey);
  if (epoch == nullptr || seed == nullptr) {
    throw DataLossError("BackupAndRestore: backup " + restored->prefix +
                        " lacks its training state (" + kEpochKey + ", " + kSeedKey + ")");
  }
  model.set_seed(static_cast<uint64_t>(integer_of(*seed)));
  return ResumePoint{static_cast<int>(integer_of(*epoch)) + 1, restored->prefix};
}

}  // namespace

BackupAndRestore::BackupAndRestore(std::string backup_dir, FileSystem* file_system)
    : backup_dir_(std::move(backup_dir)), file_system_(file_system) {}

void BackupAndRestore::on_train_begin(const Logs& /*logs*/) {
  resume_epoch_.reset();
  last_prefix_.clear();
  FileSystem& fs = file_system(file_system_);
  lock_.reset();  // an interrupted fit's lock, when this callback is used again
  lock_ = internal::lock_fit_directory(model(), fs, backup_dir_, "BackupAndRestore: backup_dir");
  const std::optional<ResumePoint> resume =
      internal::visit_model(model(), [&](auto& m) { return restore_backup(fs, m, backup_dir_); });
  if (!resume) return;
  resume_epoch_ = resume->epoch;
  last_prefix_ = resume->prefix;
}

void BackupAndRestore::on_epoch_end(int epoch, const Logs& /*logs*/) {
  const std::string prefix = checkpoint_prefix(backup_dir_, kBackupName, epoch + 1);
  NamedTensors state{{kEpochKey, Tensor::scalar<int64_t>(epoch)},
                     {kSeedKey, Tensor::scalar<int64_t>(static_cast<int64_t>(model().seed()))}};
  FileSystem& fs = file_system(file_system_);
  internal::visit_model(model(), [&](auto& m) { internal::save_tf_weights(fs, m, prefix, state); });
  // The new backup is committed (files and state file durable): drop the old one.
  if (!last_prefix_.empty() && last_prefix_ != prefix) remove_bundle(fs, last_prefix_);
  last_prefix_ = prefix;
}

void BackupAndRestore::on_train_end(const Logs& /*logs*/) {
  // Only a fit() that ran to its end gets here: the backup is no longer
  // needed. In an order a kill can interrupt anywhere: the state file first
  // (the newest bundle is still found beside it and resumes past the last
  // epoch), then each bundle index first, then the directory.
  FileSystem& fs = file_system(file_system_);
  (void)fs.remove_file(checkpoint_state_path(backup_dir_));
  for (const std::string& prefix : checkpoint_candidates(backup_dir_, fs)) {
    remove_bundle(fs, prefix);
  }
  (void)remove_tree(fs, backup_dir_);
  last_prefix_.clear();
  lock_.reset();
}

}  // namespace cairn::keras
