// Checkpoint: object-based checkpoints for custom training loops, as
// tf.train.Checkpoint. It tracks named objects (trackable.h: Keras models,
// layers and optimizers through keras/trackable.h, tensors, other
// Checkpoints) and saves the TF 2.x object graph (_CHECKPOINTABLE_OBJECT_GRAPH)
// beside their tensors, keyed like "net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE".
//
//   cairn::Tensor step = cairn::Tensor::scalar<int32_t>(1);
//   cairn::Checkpoint ckpt({{"step", step},
//                           {"optimizer", keras::optimizer_trackable(model)},
//                           {"net", model}});
//   std::string path = ckpt.save("training/ckpt");      // "training/ckpt-1"
//   ckpt.restore(path).assert_consumed();               // by object graph, not by name
//   ckpt.restore(tf2_written_prefix).expect_partial();  // ignore what it has besides
//
// Restores match the saved graph to the objects from the roots down: a child
// by its name, a value by its attribute, an optimizer's slot by the variable
// it belongs to, so a model whose layers are named differently restores as
// long as it has the same structure. Values the checkpoint holds for no
// object, and values of the objects it does not hold, are reported, not
// errors, until assert_consumed(); a shape or dtype mismatch throws
// InvalidArgumentError (the whole report) before anything changes. Every
// restored byte is checked against its crc32c (checkpoint/restore.h).
// Checkpoints are written crash-safe: a kill leaves the previous one intact.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cairn/checkpoint/restore_report.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/checkpoint/trackable.h"
#include "cairn/io/file_system.h"

namespace cairn {

// What a restore did, as TF's CheckpointLoadStatus.
class CheckpointLoadStatus {
 public:
  CheckpointLoadStatus(std::string path, RestoreReport report, std::vector<std::string> skipped)
      : path_(std::move(path)), report_(std::move(report)), skipped_(std::move(skipped)) {}

  // The checkpoint prefix restored.
  const std::string& path() const { return path_; }
  // report().unused: checkpoint values no object took (their keys);
  // report().missing: values of the objects the checkpoint does not hold
  // (named by the key a save would give them).
  const RestoreReport& report() const { return report_; }
  // Newer checkpoints of a directory passed over as damaged ("<prefix> is damaged: ...").
  const std::vector<std::string>& skipped() const { return skipped_; }

  // Throws FailedPreconditionError listing every unmatched and missing value
  // unless the checkpoint and the objects matched exactly.
  const CheckpointLoadStatus& assert_consumed() const;
  // Throws unless every value of the objects was restored (the checkpoint
  // may hold more, such as a data iterator's state).
  const CheckpointLoadStatus& assert_existing_objects_matched() const;
  // Says a partial match is intended (TF silences its warnings with it).
  const CheckpointLoadStatus& expect_partial() const { return *this; }

 private:
  std::string path_;
  RestoreReport report_;
  std::vector<std::string> skipped_;
};

class Checkpoint : public Trackable {
 public:
  using Children = std::vector<std::pair<std::string, TrackableRef>>;
  // Tracks `children` under their names (sorted by name, as TF sorts its
  // keyword arguments). Names must be unique and not "save_counter".
  explicit Checkpoint(Children children);

  // Increments save_counter and writes FILE_PREFIX-<save_counter>, recording
  // it in the `checkpoint` state file beside it; returns that path.
  std::string save(const std::string& file_prefix, FileSystem& fs = default_file_system());
  // Writes `path` as it is, leaving save_counter and the state file alone.
  std::string write(const std::string& path, FileSystem& fs = default_file_system());
  // Restores from a checkpoint prefix, or from a directory's newest intact
  // checkpoint (falling back past damaged ones). Throws NotFoundError when
  // there is none, InvalidArgumentError when it has no object graph (a
  // name-based TF1 checkpoint) or a value's shape or dtype differs.
  CheckpointLoadStatus restore(const std::string& path, FileSystem& fs = default_file_system());

  // Saves so far (restored with the rest).
  int64_t save_counter() const;

  // For writers that name the files themselves (CheckpointManager): increments
  // save_counter and calls `write` with it and the tensors to save (borrowed
  // for the call), undoing the increment if it throws. Returns what it returns.
  using SaveWriter = std::function<std::string(int64_t save_counter, const NamedTensorRefs&)>;
  std::string save_with(const SaveWriter& write);

  std::vector<TrackableChild> children() override;

 private:
  std::vector<TrackableChild> children_;
  std::optional<Tensor> save_counter_;  // int64 scalar, created by the first save or restore
};

}  // namespace cairn
