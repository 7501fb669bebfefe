// ModelCheckpoint: saves the model or its weights during fit(), as
// tf.keras.callbacks.ModelCheckpoint.
//
//   auto checkpoint = std::make_shared<keras::ModelCheckpoint>(
//       "training_2/cp-{epoch:04d}.ckpt",
//       keras::ModelCheckpointOptions{.verbose = 1, .save_weights_only = true, .period = 5});
//   model.fit(x, y, {.epochs = 50, .callbacks = {checkpoint}});
//   // training_2/cp-0005.ckpt.index, ..., training_2/checkpoint -> cp-0050.ckpt
//
// The path is a Python str.format template over `epoch` (counted from 1),
// `batch` (with save_freq in batches) and the logs ("{val_loss:.2f}").
// With verbose it prints Keras's "Epoch 00005: saving model to ..." lines.
// A path ending in .h5 saves HDF5 (weights, or the whole model); other
// paths save TF checkpoints and need save_weights_only.
//
// Files are written through options.file_system, by default the model's
// (BaseModel::file_system()).
//
// From on_train_begin to on_train_end, the directory of the path is locked
// (checkpoint/directory_lock.h): the fit of another model writing there at
// the same time fails with FailedPreconditionError naming the holder.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "cairn/checkpoint/async_saver.h"
#include "cairn/keras/callbacks/callback.h"

namespace cairn {
class DirectoryLock;
class FileSystem;
}  // namespace cairn

namespace cairn::keras {

struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  int verbose = 0;
  // Save only when `monitor` improved; the file name may then stay the same.
  bool save_best_only = false;
  bool save_weights_only = false;
  // "min", "max", or "auto" (max for accuracy-like monitors, min otherwise).
  std::string mode = "auto";
  // "epoch", or a number of batches between saves.
  std::variant<std::string, int64_t> save_freq = std::string("epoch");
  // With save_freq "epoch": save every `period` epochs.
  int period = 1;
  // Save in the background (TF-format weights, i.e. save_weights_only and a
  // path not ending in .h5): fit() pauses only to copy the weights; at most
  // one save is in flight; a failed background save is thrown at the next
  // save or when training ends; fit() returns only after the last save has
  // been committed (so does the destructor).
  bool async_save = false;
  // Where the checkpoints are written (borrowed); nullptr: the fitted model's
  // file system, BaseModel::file_system().
  FileSystem* file_system = nullptr;
};

class ModelCheckpoint : public Callback {
 public:
  // Throws InvalidArgumentError for a bad mode/save_freq/period, a
  // whole-model save to a non-.h5 path, or async_save of an .h5 file.
  explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});

  void on_train_begin(const Logs& logs) override;
  bool chief_only() const override { return true; }  // writes files
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_train_batch_end(int batch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

  // The best monitored value so far (inf or -inf before the first).
  double best() const { return best_; }
  // The path written last (empty if none).
  const std::string& last_saved() const { return last_saved_; }
  // How long each completed save paused training and took in all.
  std::vector<SaveTiming> save_timings() const;

 private:
  void save(int epoch, int batch, const Logs& logs);
  bool improved(double current) const;

  std::string filepath_;
  ModelCheckpointOptions options_;
  bool maximize_ = false;
  double best_ = std::numeric_limits<double>::infinity();
  int epochs_since_save_ = 0;
  int64_t batches_since_save_ = 0;
  int current_epoch_ = 0;
  std::string last_saved_;
  std::vector<SaveTiming> sync_timings_;
  std::shared_ptr<DirectoryLock> lock_;  // during fit()
  std::unique_ptr<AsyncSaver> async_;    // with async_save
};

}  // namespace cairn::keras
