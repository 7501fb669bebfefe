// BackupAndRestore: makes fit() survive interruptions, as
// tf.keras.callbacks.BackupAndRestore. After every epoch the weights,
// optimizer state, epoch and random seed are saved (atomically) to
// `backup_dir`; a fit() started again with the same directory restores them
// and continues at the next epoch, ending with the same weights as a run
// that was never interrupted. A fit() that completes deletes the backup.
// During fit() the directory is locked (checkpoint/directory_lock.h): the
// fit of another model using it at the same time fails with
// FailedPreconditionError naming the holder. The backup is written through
// `file_system` (borrowed), by default (nullptr) the model's,
// BaseModel::file_system().
//
//   auto backup = std::make_shared<keras::BackupAndRestore>("/tmp/backup");
//   model.fit(x, y, {.epochs = 50, .callbacks = {backup}});   // killed at epoch 17 ...
//   model.fit(x, y, {.epochs = 50, .callbacks = {backup}});   // ... resumes at epoch 18
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cairn/keras/callbacks/callback.h"

namespace cairn {
class DirectoryLock;
class FileSystem;
}  // namespace cairn

namespace cairn::keras {

class BackupAndRestore : public Callback {
 public:
  explicit BackupAndRestore(std::string backup_dir, FileSystem* file_system = nullptr);

  void on_train_begin(const Logs& logs) override;
  bool chief_only() const override { return true; }  // writes files
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  std::optional<int> resume_epoch() const override { return resume_epoch_; }

 private:
  std::string backup_dir_;
  FileSystem* file_system_;  // nullptr: the model's
  std::optional<int> resume_epoch_;
  std::string last_prefix_;
  std::shared_ptr<DirectoryLock> lock_;  // during fit()
};

}  // namespace cairn::keras
