// The one restore path: every front end (Estimator, Keras, the CLI through
// them) brings a model's variables back from a checkpoint through here.
//
//   cairn::RestorePlanner plan = [&](const cairn::CheckpointToRestore& c) {
//     cairn::RestorePlan p;
//     for (nn::Variable* v : variables)
//       p.targets.push_back({v->name, cairn::tf_variable_keys(v->name), &v->value});
//     return p;
//   };
//   std::optional<cairn::Restored> r = cairn::restore_newest("models/iris", plan);
//   for (const std::string& why : r->skipped) log("WARNING: checkpoint " + why);
//
// A front end says what it wants as a plan: each target is one tensor of the
// model with the checkpoint keys that may hold it, best first (names:
// restore_names.h). The planner sees each candidate checkpoint (its index and
// .meta, no data yet), so it can pick a key scheme or build a model from the
// stored shapes.
//
// Verification and restore are one pass. For each candidate, newest first:
//  1. its .index is opened (every block checksum) and its .meta read; if
//     either fails, the checkpoint is damaged: skip it;
//  2. the plan is matched against the index into a RestoreReport. A report
//     that is not ok is the model's fault, not the checkpoint's: throw
//     InvalidArgumentError with the whole report, nothing changed, no fallback;
//  3. every target's bytes are read once (BundleReader::read_many_into),
//     their crc32c computed as they are copied into the target's own memory
//     (no allocation when dtype and shape match, which step 2 ensures);
//  4. if a read or a crc fails, the checkpoint is damaged: the targets are
//     put back as they were (when the plan asks, see keep_on_failure) and the
//     next candidate is tried, its name kept in Restored::skipped.
// Only targets' bytes are read: tensors no target takes are not checked
// (verify.h's verify_checkpoint reads everything, for `cairn verify`).
//
// Rollback: a fresh model (an Estimator session) needs none, since a failed
// restore throws and the model is dropped. A caller restoring into a live
// model (Keras load_weights into a trained one) sets keep_on_failure: each
// target is copied aside before the read and copied back if it fails, so the
// model is unchanged whatever happens.
//
// Damage, rotation and fail_on_damaged behave as newest_intact_checkpoint()
// (verify.h) describes; both choose through one loop (newest_intact.h).
//
// In a group of processes (core/process_group.h), every rank restores
// through this same path, reading what its plan needs from the shared files
// (any number of shards, whatever the number of ranks that saved them), and
// then the ranks agree: a rank's failure is thrown on every rank naming it,
// and ranks that restored different checkpoints (one saw a newer one, or
// none) are an error naming the ranks and prefixes. A rank that does not
// arrive within the group's timeout is named.
//
//   auto r = cairn::restore_newest(model_dir, plan, {}, fs, group);  // on every rank
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/restore_names.h"
#include "cairn/checkpoint/restore_report.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/process_group.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn {

// One tensor of the model to restore.
struct RestoreTarget {
  std::string name;               // the model's name for it, for the report
  std::vector<std::string> keys;  // checkpoint keys that may hold it, best first
  Tensor* value = nullptr;        // written in place; must outlive the restore
  // A checkpoint without any of `keys` is an error; if false, the tensor keeps its value.
  bool required = true;
};

struct RestorePlan {
  std::vector<RestoreTarget> targets;
  // Differences between the model and what was recorded with the checkpoint
  // (an Estimator's .meta): each one makes the report fail.
  std::vector<std::string> config_diffs;
  // True for a checkpoint key no target takes that means the checkpoint's
  // model had more than this one (Keras: another layer's weights); by
  // default an unused key is only listed.
  std::function<bool(const std::string& key)> unused_is_error;
  // The InvalidArgumentError's message for a failed report; by default
  // RestoreReport::message(prefix).
  std::function<std::string(const RestoreReport&, const std::string& prefix)> describe;
  // Put every target back as it was when the restore fails (see above).
  bool keep_on_failure = false;
};

// A candidate as a planner sees it: index read, data not yet. A planner may
// read small tensors itself (an object graph): a DataLossError it throws
// marks the candidate damaged, like a failed read of a target.
struct CheckpointToRestore {
  const std::string& prefix;
  const CheckpointReader& reader;
  const std::optional<std::string>& meta;  // PREFIX.meta's bytes, if it has one
};
using RestorePlanner = std::function<RestorePlan(const CheckpointToRestore&)>;

struct Restored {
  std::string prefix;                // the checkpoint restored
  std::vector<std::string> skipped;  // "<prefix> is damaged: <problem>", newest first
  // Still open: its files stay readable even if a trainer deletes them now.
  std::unique_ptr<CheckpointReader> reader;
  std::optional<std::string> meta;
};

// Restores from the newest checkpoint of `dir` that restores intact; nullopt
// when `dir` holds none. A plan without targets just opens the newest
// checkpoint whose index and .meta read. Throws InvalidArgumentError (the
// report), DataLossError (every checkpoint damaged, naming each; or the
// newest with options.fail_on_damaged), AbortedError (rotated away too often).
// With a group: a collective, as described above.
std::optional<Restored> restore_newest(const std::string& dir, const RestorePlanner& planner,
                                       RestoreOptions options = {},
                                       FileSystem& fs = default_file_system(),
                                       ProcessGroup& group = single_process());

// Restores from one checkpoint: a prefix, one of its files, or a directory
// (its state file's newest). No fallback: a damaged one is DataLossError.
Restored restore_checkpoint(const std::string& path, const RestorePlanner& planner,
                            FileSystem& fs = default_file_system(),
                            ProcessGroup& group = single_process());

}  // namespace cairn
