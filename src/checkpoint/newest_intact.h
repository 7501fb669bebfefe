// Internal to src/checkpoint: the one loop that chooses the newest intact
// checkpoint of a directory, shared by newest_intact_checkpoint() (verify.h,
// which reads every tensor) and restore_newest() (restore.h, which reads
// what it restores). It walks checkpoint_candidates() newest first, names
// each damaged one, honours fail_on_damaged, and starts over (at most
// kMaxRotationRetries times) when a trainer rotated a candidate away.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/verify.h"

namespace cairn::internal {

// Tries candidate `prefix`: OK when it is the one chosen; otherwise the
// error's message says what is damaged (naming the file and tensor).
using TryCheckpoint = std::function<Status(const std::string& prefix)>;

struct ChosenCheckpoint {
  std::string prefix;
  std::vector<std::string> skipped;  // "<prefix> is damaged: <problem>", newest first
};

// PREFIX.meta's bytes; nullopt when there is none; an error when it exists
// but cannot be read.
Result<std::optional<std::string>> read_checkpoint_meta(FileSystem& fs, const std::string& prefix);

// nullopt when the directory holds no checkpoint; throws as
// newest_intact_checkpoint() does.
std::optional<ChosenCheckpoint> choose_newest_intact(const std::string& dir, RestoreOptions options,
                                                     FileSystem& fs, const TryCheckpoint& attempt);

}  // namespace cairn::internal
