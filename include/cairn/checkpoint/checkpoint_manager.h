// CheckpointManager: numbered checkpoints in a directory, with TensorFlow's
// retention policy (tf.train.Saver / tf.train.CheckpointManager): keep the
// newest `max_to_keep`, and additionally preserve one checkpoint every
// `keep_checkpoint_every_n_hours`. The `checkpoint` state file always lists
// exactly the checkpoints kept (oldest first) with their timestamps.
//
//   cairn::CheckpointManager manager({.directory = "models/iris", .max_to_keep = 5});
//   std::string prefix = manager.save(200, {{"global_step", step}, ...});
//   // models/iris/model.ckpt-200.{index,data-00000-of-00001}; older ones beyond
//   // the newest five are deleted, files and state-file entries alike.
//
// A manager created on a directory that already has checkpoints continues
// its list, so retention holds across processes and train() calls.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/file_system.h"

namespace cairn {

struct CheckpointManagerOptions {
  std::string directory;
  std::string checkpoint_name{kDefaultCheckpointName};  // prefixes are DIR/NAME-STEP
  int max_to_keep = 5;                                  // <= 0 keeps every checkpoint
  double keep_checkpoint_every_n_hours = 10000;
  // Seconds since the epoch; injectable for tests. Default: the system clock.
  std::function<double()> clock;
};

class CheckpointManager {
 public:
  explicit CheckpointManager(CheckpointManagerOptions options,
                             FileSystem& fs = default_file_system());

  // Writes DIR/NAME-STEP from `tensors`, calls `before_commit(prefix)` (to
  // write companion files such as the .meta) before recording it as the
  // newest checkpoint, then deletes what the retention policy drops. Returns
  // the prefix. Throws cairn::Error subclasses on failure, leaving earlier
  // checkpoints and the state file as they were.
  std::string save(int64_t step, const NamedTensors& tensors,
                   const std::function<void(const std::string& prefix)>& before_commit = {});
  std::string save(int64_t step, const NamedTensorRefs& tensors,
                   const std::function<void(const std::string& prefix)>& before_commit = {});

  // The newest checkpoint's prefix, if any.
  std::optional<std::string> latest() const;
  // Prefixes currently kept, oldest first.
  const std::vector<std::string>& checkpoints() const { return paths_; }
  const CheckpointManagerOptions& options() const { return options_; }

  // Deletes the files of the checkpoint `prefix` and of its ".previous" copy,
  // each .index first (a bundle without it is never a restore candidate).
  static void delete_checkpoint_files(FileSystem& fs, const std::string& prefix);

 private:
  double now() const;
  void sweep(std::vector<std::string>* doomed);
  void write_state(const std::string& newest);

  CheckpointManagerOptions options_;
  FileSystem& fs_;
  std::vector<std::string> paths_;  // full prefixes
  std::vector<double> timestamps_;
  double last_preserved_ = 0;
  bool state_file_missing_ = false;  // until this manager writes one
};

}  // namespace cairn
