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
//
// In a group of processes (options.group, core/process_group.h) every rank
// calls save() with the same step and the same (replicated) tensors. The
// tensors are shared out between the ranks, balanced by bytes, each written
// once; every rank writes its share as data shard RANK of SIZE
// (DIR/NAME-STEP.data-0000R-of-0000N) in parallel and syncs it. Only when
// every rank confirmed its shard durable does rank 0 rename the shards into
// place, write the merged .index, call before_commit, apply retention and
// write the state file; the other ranks never touch the state file. A
// failure on any rank (a full disk, say) is thrown on every rank, naming
// the rank, and leaves the previous checkpoint the newest; a rank that does
// not arrive within the group's timeout is named, with the step. Saves in a
// group must run on the thread that runs the group's other collectives:
// from an AsyncSaver's thread they throw FailedPreconditionError.
//
//   cairn::CheckpointManager manager({.directory = dir, .group = &group});
//   manager.save(200, tensors);   // on every rank: model.ckpt-200.data-0000R-of-0000N
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/process_group.h"
#include "cairn/formats/bundle/bundle_shard_writer.h"
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
  // The ranks that save together (borrowed; must outlive the manager). With
  // one rank (the default), a save writes one data shard, as it always did.
  ProcessGroup* group = &single_process();
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
  // Prefixes currently kept, oldest first. The list and retention are rank
  // 0's: on other ranks this holds only the newest this manager saved.
  const std::vector<std::string>& checkpoints() const { return paths_; }
  const CheckpointManagerOptions& options() const { return options_; }

  // Deletes the files of the checkpoint `prefix` and of its ".previous" copy,
  // each .index first (a bundle without it is never a restore candidate).
  static void delete_checkpoint_files(FileSystem& fs, const std::string& prefix);

 private:
  double now() const;
  // Rank 0's part of a save once every shard is durable.
  void commit(const std::string& prefix, const std::vector<WrittenShard>& shards,
              const std::function<void(const std::string& prefix)>& before_commit);
  void prepare_directory();
  void record(const std::string& prefix);
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
