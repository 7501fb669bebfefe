// Verifying checkpoints, and finding the newest intact one. `cairn verify`
// uses these (they read every tensor); restores go through restore.h, which
// checks the bytes it restores as it copies them, and chooses among the
// candidates with the same rules (fallback, warnings, rotation) as here.
//
//   for (const cairn::CheckpointHealth& h : cairn::verify_directory("models/iris"))
//     std::cout << (h.ok ? "ok " : "DAMAGED ") << h.prefix << " " << h.problem << "\n";
//
//   cairn::RestoreChoice choice = *cairn::newest_intact_checkpoint("models/iris");
//   for (const std::string& why : choice.skipped) std::cerr << "WARNING: " << why << "\n";
//   restore_from(choice.prefix);
//
// A checkpoint is intact when its .index parses (every block checksum) and
// every tensor of every data file reads back with a matching crc32c. The
// candidates of a directory are the checkpoints its `checkpoint` state file
// records (newest first), then any other bundle found in the directory, so
// a lost or corrupt state file does not lose the checkpoints beside it.
// Older recorded checkpoints without their .index are being deleted
// (retention removes the .index first) and are no candidates.
//
// A trainer may rotate checkpoints away while they are read. A checkpoint
// whose .index disappears while it is checked was rotated away, not
// damaged: verify_directory() leaves it out, and newest_intact_checkpoint()
// reads the state file again and starts over (a bounded number of times).
// What retention leaves behind after a kill is reported as an orphan, never
// as damage (leftover_checkpoints.h); so is a bundle whose overwrite a kill
// cut short while its ".previous" copy is intact (formats/bundle_commit.cc:
// restores use that copy, and the next save of the prefix completes it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/progress.h"
#include "cairn/io/file_system.h"

namespace cairn {

struct CheckpointHealth {
  std::string prefix;
  bool ok = false;
  // Harmless, not damage: a leftover of retention (leftover_checkpoints.h),
  // collected by the next trainer, or an overwrite cut short whose
  // ".previous" copy is intact. `ok` is false and `problem` says why.
  bool orphan = false;
  std::string problem;  // empty when ok: what is wrong, naming the file and tensor
  int64_t tensors = 0;  // tensors checked
  // What lies on disk, for every status (a damaged or orphaned checkpoint
  // too): the bytes of all its files (.index, .data-*, .meta) and how many
  // .data-* shards there are (fewer than its index declares when one is lost).
  uint64_t bytes = 0;
  int shards = 0;
};

// Checks one checkpoint (a prefix), reading every tensor. `progress`, when
// given, hears of the bytes checked (ProgressUnit::kBytes) of the total of
// its .index and data files, tensor by tensor; a checkpoint that fails
// counts as checked, so the last report is done == total.
CheckpointHealth verify_checkpoint(const std::string& prefix,
                                   FileSystem& fs = default_file_system(),
                                   Progress* progress = nullptr);

// Checks every checkpoint of a directory, newest first (see above), then
// lists its orphans. Empty when it holds none. `progress` as above, over
// the files of all the checkpoints it checks.
std::vector<CheckpointHealth> verify_directory(const std::string& dir,
                                               FileSystem& fs = default_file_system(),
                                               Progress* progress = nullptr);

// Every checkpoint prefix a directory holds, newest first (the state file's,
// then the others by step). A temporary file is never taken for one.
std::vector<std::string> checkpoint_candidates(const std::string& dir,
                                               FileSystem& fs = default_file_system());

struct RestoreChoice {
  std::string prefix;                // the newest intact checkpoint
  std::vector<std::string> skipped;  // "<prefix> is damaged: <problem>", newest first
  // The verified checkpoint, open: its files stay readable through it even
  // if a trainer deletes them now. Restore from this, not from `prefix`.
  std::unique_ptr<CheckpointReader> reader;
  // PREFIX.meta as it was when the checkpoint was opened; nullopt without one.
  std::optional<std::string> meta;
};

struct RestoreOptions {
  // Throw DataLossError instead of falling back past a damaged checkpoint.
  bool fail_on_damaged = false;
};

// nullopt when the directory holds no checkpoint. Throws DataLossError when
// every checkpoint is damaged (naming each), or when the newest is damaged
// and options.fail_on_damaged is set; AbortedError when checkpoints were
// rotated away under it kMaxRotationRetries times in a row.
inline constexpr int kMaxRotationRetries = 20;
std::optional<RestoreChoice> newest_intact_checkpoint(const std::string& dir,
                                                      RestoreOptions options = {},
                                                      FileSystem& fs = default_file_system());

}  // namespace cairn
