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
//
// Over a Checkpoint (checkpoint.h), as tf.train.CheckpointManager: save()
// writes the Checkpoint's objects as DIR/ckpt-N (N its save_counter, or the
// number given), every `checkpoint_interval` steps of `step_counter` when
// those are set; restore_or_initialize() restores the newest intact one or
// calls init_fn. Its first save takes the directory's lock (directory_lock.h)
// for the manager's lifetime, so a second writer is refused, and removes
// what killed writers left there.
//
//   cairn::Checkpoint ckpt({{"step", step}, {"net", model}});
//   cairn::CheckpointManager manager(ckpt, {.directory = "./tf_ckpts", .max_to_keep = 3});
//   if (auto path = manager.restore_or_initialize()) std::cout << "Restored from " << *path;
//   ... train ...
//   manager.save();   // ./tf_ckpts/ckpt-1, ckpt-2, ...; the newest three kept
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/process_group.h"
#include "cairn/formats/bundle/bundle_shard_writer.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/file_system.h"

namespace cairn {

struct CheckpointManagerOptions {
  std::string directory;
  // Prefixes are DIR/NAME-STEP; empty: "model.ckpt" (kDefaultCheckpointName),
  // or "ckpt" over a Checkpoint, as TensorFlow's Saver and CheckpointManager.
  std::string checkpoint_name;
  int max_to_keep = 5;  // <= 0 keeps every checkpoint
  double keep_checkpoint_every_n_hours = 10000;
  // Seconds since the epoch; injectable for tests. Default: the system clock.
  std::function<double()> clock;
  // The ranks that save together (borrowed; must outlive the manager). With
  // one rank (the default), a save writes one data shard, as it always did.
  ProcessGroup* group = &single_process();

  // Over a Checkpoint only. With both set, save() writes only when the scalar
  // `step_counter` (borrowed) advanced by `checkpoint_interval` since the last save.
  std::optional<int64_t> checkpoint_interval;
  const Tensor* step_counter = nullptr;
  // Called by restore_or_initialize() when there is no checkpoint to restore.
  std::function<void()> init_fn;
};

class Checkpoint;

class CheckpointManager {
 public:
  explicit CheckpointManager(CheckpointManagerOptions options,
                             FileSystem& fs = default_file_system());
  // Manages the checkpoints of `checkpoint` (borrowed; must outlive the manager).
  CheckpointManager(Checkpoint& checkpoint, CheckpointManagerOptions options,
                    FileSystem& fs = default_file_system());

  // Saves the Checkpoint as DIR/NAME-N, N = `checkpoint_number` or its
  // save_counter after the increment; returns the prefix, or nullopt when
  // checkpoint_interval says it is not yet time (check_interval = false
  // saves anyway, unless the step did not change). Retention and the state
  // file as for the other save(). FailedPreconditionError without a Checkpoint.
  std::optional<std::string> save(std::optional<int64_t> checkpoint_number = std::nullopt,
                                  bool check_interval = true);
  // Restores the Checkpoint from the newest intact checkpoint (falling back
  // past damaged ones) and returns its prefix; without one, calls init_fn and
  // returns nullopt.
  std::optional<std::string> restore_or_initialize();

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
  std::optional<std::string> latest_checkpoint() const { return latest(); }
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

  // Over a Checkpoint: locks the directory before the first save.
  void lock_directory();
  // Over a Checkpoint: false when checkpoint_interval skips this save.
  bool interval_elapsed(bool check_interval);

  CheckpointManagerOptions options_;
  FileSystem& fs_;
  Checkpoint* checkpoint_ = nullptr;
  std::unique_ptr<DirectoryLock> lock_;  // over a Checkpoint, from the first save
  std::optional<int64_t> last_checkpoint_step_;
  std::vector<std::string> paths_;  // full prefixes
  std::vector<double> timestamps_;
  double last_preserved_ = 0;
  bool state_file_missing_ = false;  // until this manager writes one
};

}  // namespace cairn
