#include "cairn/keras/callbacks/backup_and_restore.h"

#include <filesystem>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/leftover_checkpoints.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/keras/sequential.h"
#include "keras/fit_directory_lock.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace {

const std::string kEpochKey = internal::variable_key("_training_state/epoch");
const std::string kSeedKey = internal::variable_key("_training_state/seed");
// Backups are BACKUP_DIR/ckpt-EPOCH, as tf.keras names them.
constexpr std::string_view kBackupName = "ckpt";

void remove_bundle(const std::string& prefix) {
  remove_bundle_files(default_file_system(), prefix);  // .index first
}

}  // namespace

BackupAndRestore::BackupAndRestore(std::string backup_dir) : backup_dir_(std::move(backup_dir)) {}

void BackupAndRestore::on_train_begin(const Logs& /*logs*/) {
  resume_epoch_.reset();
  last_prefix_.clear();
  lock_ = internal::lock_fit_directory(model(), backup_dir_, "BackupAndRestore: backup_dir");
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(backup_dir_);
  if (!choice) return;
  for (const std::string& why : choice->skipped) {
    model().output() << "WARNING: backup " << why << "; resuming from " << choice->prefix << "\n";
  }
  const std::string prefix = choice->prefix;
  const CheckpointReader& reader = *choice->reader;
  Sequential& m = model();
  internal::load_tf_weights(m, reader);
  resume_epoch_ = static_cast<int>(reader.get_tensor(kEpochKey).flat<int64_t>()[0]) + 1;
  m.set_seed(static_cast<uint64_t>(reader.get_tensor(kSeedKey).flat<int64_t>()[0]));
  last_prefix_ = prefix;
}

void BackupAndRestore::on_epoch_end(int epoch, const Logs& /*logs*/) {
  const std::string prefix = checkpoint_prefix(backup_dir_, kBackupName, epoch + 1);
  NamedTensors state{{kEpochKey, Tensor::scalar<int64_t>(epoch)},
                     {kSeedKey, Tensor::scalar<int64_t>(static_cast<int64_t>(model().seed()))}};
  internal::save_tf_weights(model(), prefix, state);
  // The new backup is committed (files and state file durable): drop the old one.
  if (!last_prefix_.empty() && last_prefix_ != prefix) remove_bundle(last_prefix_);
  last_prefix_ = prefix;
}

void BackupAndRestore::on_train_end(const Logs& /*logs*/) {
  // Only a fit() that ran to its end gets here: the backup is no longer
  // needed. In an order a kill can interrupt anywhere: the state file first
  // (the newest bundle is still found beside it and resumes past the last
  // epoch), then each bundle index first, then the directory.
  FileSystem& fs = default_file_system();
  (void)fs.remove_file(checkpoint_state_path(backup_dir_));
  for (const std::string& prefix : checkpoint_candidates(backup_dir_)) remove_bundle(prefix);
  std::error_code ignored;
  std::filesystem::remove_all(backup_dir_, ignored);
  last_prefix_.clear();
  lock_.reset();
}

}  // namespace cairn::keras
