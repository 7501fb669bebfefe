#include "cairn/keras/callbacks/backup_and_restore.h"

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/leftover_checkpoints.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/io/directory_swap.h"
#include "cairn/keras/sequential.h"
#include "keras/fit_directory_lock.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace {

const std::string kEpochKey = internal::variable_key("_training_state/epoch");
const std::string kSeedKey = internal::variable_key("_training_state/seed");

void remove_bundle(FileSystem& fs, const std::string& prefix) {
  remove_bundle_files(fs, prefix);  // .index first
}

}  // namespace

BackupAndRestore::BackupAndRestore(std::string backup_dir, FileSystem* file_system)
    : backup_dir_(std::move(backup_dir)), file_system_(file_system) {}

void BackupAndRestore::on_train_begin(const Logs& /*logs*/) {
  resume_epoch_.reset();
  last_prefix_.clear();
  FileSystem& fs = file_system(file_system_);
  lock_ = internal::lock_fit_directory(model(), fs, backup_dir_, "BackupAndRestore: backup_dir");
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(backup_dir_, {}, fs);
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
  const std::string prefix = backup_dir_ + "/ckpt-" + std::to_string(epoch + 1);
  NamedTensors state{{kEpochKey, Tensor::scalar<int64_t>(epoch)},
                     {kSeedKey, Tensor::scalar<int64_t>(static_cast<int64_t>(model().seed()))}};
  FileSystem& fs = file_system(file_system_);
  internal::save_tf_weights(fs, model(), prefix, state);
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
  (void)fs.remove_file(backup_dir_ + "/checkpoint");
  for (const std::string& prefix : checkpoint_candidates(backup_dir_, fs)) {
    remove_bundle(fs, prefix);
  }
  (void)remove_tree(fs, backup_dir_);
  last_prefix_.clear();
  lock_.reset();
}

}  // namespace cairn::keras
