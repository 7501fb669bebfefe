// Listing the checkpoints of a model directory at a glance, as `cairn ls`
// prints them: for each, its step, when it was written, its size on disk,
// its data shards, whether it is intact, and whether the `checkpoint` state
// file names it as the newest.
//
//   for (const cairn::CheckpointListing& c : cairn::list_checkpoints("models/iris")) {
//     std::cout << c.prefix << (c.newest ? " (newest)" : "") << ": "
//               << cairn::checkpoint_status_name(c.status) << " " << c.bytes << " bytes\n";
//   }
//
// The status of each checkpoint is verify_directory()'s (verify.h): every
// tensor is read and its checksum checked, so listing a directory costs
// reading it once. Damage and orphans follow the rules stated there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/progress.h"
#include "cairn/io/file_system.h"

namespace cairn {

enum class CheckpointStatus {
  kOk,       // every tensor read back with a matching checksum
  kDamaged,  // `problem` names the file and tensor
  kOrphan,   // harmless leftover of retention or of a cut-short overwrite
};

// "ok", "DAMAGED" and "orphan", as `cairn verify` and `cairn ls` print them.
std::string_view checkpoint_status_name(CheckpointStatus status);

struct CheckpointListing {
  std::string prefix;           // "models/iris/model.ckpt-200"
  std::optional<int64_t> step;  // 200; nullopt for a prefix without a step
  // When its .index was last written, in seconds since the epoch; nullopt
  // without an .index, or on a file system that keeps no times.
  std::optional<double> written;
  uint64_t bytes = 0;  // of all its files on disk: .index, .data-*, .meta
  int shards = 0;      // .data-* files on disk
  CheckpointStatus status = CheckpointStatus::kOk;
  std::string problem;  // empty when ok: why it is damaged or an orphan
  bool newest = false;  // the state file's model_checkpoint_path
};

// Every checkpoint of `dir`, orphans included, newest first: by step, then
// in verify_directory()'s order (the state file's first). Empty when `dir`
// holds none. Throws NotFoundError when `dir` is not a directory. Every
// tensor is read to check it: `progress`, when given, hears the bytes
// checked (as verify_directory() reports them).
std::vector<CheckpointListing> list_checkpoints(const std::string& dir,
                                                FileSystem& fs = default_file_system(),
                                                Progress* progress = nullptr);

}  // namespace cairn
