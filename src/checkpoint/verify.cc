#include "cairn/checkpoint/verify.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/leftover_checkpoints.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "checkpoint/files_on_disk.h"
#include "checkpoint/newest_intact.h"

namespace cairn {

using internal::add_files_on_disk;
using internal::files_on_disk;

namespace {

// The step of a prefix for sorting: -1 when it has none.
int64_t step_or_minus_one(const std::string& prefix) {
  return checkpoint_step(prefix).value_or(-1);
}

// Bundles in `dir` by their .index files; temporaries (".tempstate...",
// ".tmp...") end otherwise and are never listed, nor are hidden files.
std::vector<std::string> bundles_in(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> prefixes;
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return prefixes;
  for (const std::string& name : *names) {
    std::optional<BundleFileName> file = parse_bundle_file_name(name);
    if (file && file->kind == BundleFileKind::kIndex && name[0] != '.') {
      prefixes.push_back(join_path(dir, file->prefix));
    }
  }
  std::stable_sort(prefixes.begin(), prefixes.end(),
                   [](const std::string& a, const std::string& b) {
                     return step_or_minus_one(a) > step_or_minus_one(b);
                   });
  return prefixes;
}

// The state file's checkpoints, newest first; none when it is missing or corrupt.
std::vector<std::string> recorded(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> out;
  try {
    CheckpointState state = get_checkpoint_state(dir, fs);
    if (!state.model_checkpoint_path.empty()) out.push_back(state.model_checkpoint_path);
    for (auto it = state.all_model_checkpoint_paths.rbegin();
         it != state.all_model_checkpoint_paths.rend(); ++it) {
      out.push_back(*it);
    }
  } catch (const Error&) {
  }
  return out;
}

bool has_index(FileSystem& fs, const std::string& prefix) {
  return fs.file_exists(bundle_index_path(prefix));
}

// The state file's newest checkpoint, or "" when there is none to read.
std::string recorded_newest(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> listed = recorded(dir, fs);
  return listed.empty() ? std::string() : listed.front();
}

// True when `prefix`, which failed its check, was rotated away rather than
// damaged: its .index was there when it was listed and is gone now (a
// trainer deletes the .index first), or it never had one but the state file
// has since moved on to another newest checkpoint.
bool rotated_away(FileSystem& fs, const std::string& dir, const std::string& prefix,
                  bool had_index) {
  if (had_index) return !has_index(fs, prefix);
  return recorded_newest(dir, fs) != prefix;
}

// A checkpoint opened and checked; `reader` stays open for a restore.
struct Checked {
  CheckpointHealth health;
  std::unique_ptr<BundleReader> reader;
};

// `tensor_checked`, when set, hears each tensor's size once it passed.
Checked check(const std::string& prefix, FileSystem& fs,
              const std::function<void(uint64_t bytes)>& tensor_checked = {}) {
  Checked out{.health = {.prefix = prefix}};
  Result<std::unique_ptr<BundleReader>> reader = BundleReader::open(fs, prefix);
  if (!reader.ok()) {
    out.health.problem = reader.status().message();
    return out;
  }
  const Status checked = (*reader)->verify_all(tensor_checked);
  out.health.tensors = static_cast<int64_t>((*reader)->entries().size());
  out.health.ok = checked.ok();
  if (!checked.ok()) out.health.problem = checked.message();
  out.reader = std::move(*reader);
  return out;
}

// Checks checkpoints and reports the bytes checked to a Progress: each
// tensor's as it passes, then all of a checkpoint's files once it is checked
// (or failed), against the total of them all listed up front; so the last
// report is done == total.
class ProgressiveCheck {
 public:
  ProgressiveCheck(Progress* progress, const std::vector<std::string>& prefixes, FileSystem& fs)
      : progress_(progress), fs_(fs) {
    if (progress_ == nullptr) return;
    for (const std::string& prefix : prefixes) {
      total_ += sizes_[prefix] = files_on_disk(prefix, fs).checked_bytes;
    }
  }

  // Checks `prefix`, with its files on disk counted (add_files_on_disk).
  CheckpointHealth operator()(const std::string& prefix) {
    CheckpointHealth health = check_reporting(prefix);
    add_files_on_disk(fs_, health);
    return health;
  }

 private:
  CheckpointHealth check_reporting(const std::string& prefix) {
    if (progress_ == nullptr) return check(prefix, fs_).health;
    const uint64_t size = sizes_[prefix];
    uint64_t in_this = 0;
    CheckpointHealth health = check(prefix, fs_, [&](uint64_t bytes) {
                                in_this += bytes;
                                report(done_ + std::min(in_this, size));
                              }).health;
    done_ += size;
    report(done_);
    return health;
  }

  void report(uint64_t done) const {
    progress_->update(static_cast<int64_t>(std::min(done, total_)), static_cast<int64_t>(total_),
                      ProgressUnit::kBytes);
  }

  Progress* progress_;
  FileSystem& fs_;
  std::map<std::string, uint64_t> sizes_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;  // the files of the checkpoints checked so far
};

}  // namespace

CheckpointHealth verify_checkpoint(const std::string& prefix, FileSystem& fs, Progress* progress) {
  return ProgressiveCheck(progress, {prefix}, fs)(prefix);
}

std::vector<std::string> checkpoint_candidates(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  // Older recorded checkpoints without their .index are being deleted (or
  // were), not damaged; the newest one the state file names always counts.
  const std::vector<std::string> listed = recorded(dir, fs);
  for (size_t i = 0; i < listed.size(); ++i) {
    const std::string& p = listed[i];
    if ((i == 0 || has_index(fs, p)) && seen.insert(p).second) out.push_back(p);
  }
  for (const std::string& p : bundles_in(dir, fs)) {
    if (seen.insert(p).second) out.push_back(p);
  }
  return out;
}

namespace {

// True when "<prefix>.previous", the copy an overwrite of `prefix` keeps
// until the new bundle is in place, is an intact bundle.
bool previous_copy_is_intact(const std::string& prefix, FileSystem& fs) {
  const std::string previous = previous_bundle_prefix(prefix);
  return has_index(fs, previous) && verify_checkpoint(previous, fs).ok;
}

}  // namespace

std::vector<CheckpointHealth> verify_directory(const std::string& dir, FileSystem& fs,
                                               Progress* progress) {
  std::vector<CheckpointHealth> out;
  std::set<std::string> orphans;
  std::vector<CheckpointHealth> orphan_health;
  for (LeftoverCheckpoint& leftover : find_leftover_checkpoints(dir, fs)) {
    orphans.insert(leftover.prefix);
    orphan_health.push_back({.prefix = leftover.prefix, .orphan = true, .problem = leftover.why});
    add_files_on_disk(fs, orphan_health.back());
  }
  std::vector<std::string> to_check;
  for (const std::string& prefix : checkpoint_candidates(dir, fs)) {
    if (!orphans.contains(prefix)) to_check.push_back(prefix);
  }
  ProgressiveCheck check_counted(progress, to_check, fs);
  for (const std::string& prefix : to_check) {
    const bool had_index = has_index(fs, prefix);
    CheckpointHealth health = check_counted(prefix);
    if (!health.ok && rotated_away(fs, dir, prefix, had_index)) continue;
    if (!health.ok && previous_copy_is_intact(prefix, fs)) {
      health.orphan = true;  // an overwrite cut short (formats/bundle_commit.cc)
      health.problem = "an overwrite was cut short (" + health.problem + "); " +
                       previous_bundle_prefix(prefix) +
                       " holds its last complete copy, which restores use";
    }
    out.push_back(std::move(health));
  }
  for (CheckpointHealth& orphan : orphan_health) out.push_back(std::move(orphan));
  return out;
}

namespace internal {

// PREFIX.meta's bytes; nullopt when there is none. Throws when it exists but
// cannot be read (vanishing counts as rotation for the caller).
Result<std::optional<std::string>> read_checkpoint_meta(FileSystem& fs, const std::string& prefix) {
  const std::string meta = checkpoint_meta_path(prefix);
  if (!fs.file_exists(meta)) return std::optional<std::string>();
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, fs.read_file(meta));
  return std::optional<std::string>(std::move(bytes));
}

namespace {

// One pass over the candidates; nullopt when one was rotated away under it
// (the caller starts over with the state file as it is now).
std::optional<ChosenCheckpoint> try_newest_intact(const std::string& dir,
                                                  const std::vector<std::string>& candidates,
                                                  RestoreOptions options, FileSystem& fs,
                                                  const TryCheckpoint& attempt) {
  ChosenCheckpoint chosen;
  for (const std::string& prefix : candidates) {
    const bool had_index = has_index(fs, prefix);
    const Status tried = attempt(prefix);
    if (tried.ok()) {
      chosen.prefix = prefix;
      return chosen;
    }
    if (rotated_away(fs, dir, prefix, had_index)) return std::nullopt;
    chosen.skipped.push_back(prefix + " is damaged: " + tried.message());
    if (options.fail_on_damaged) {
      throw DataLossError("newest checkpoint " + chosen.skipped.back() +
                          " (fallback to an older checkpoint is turned off)");
    }
  }
  std::string message = "every checkpoint in " + dir + " is damaged:";
  for (const std::string& s : chosen.skipped) message += "\n  - " + s;
  throw DataLossError(message);
}

}  // namespace

std::optional<ChosenCheckpoint> choose_newest_intact(const std::string& dir, RestoreOptions options,
                                                     FileSystem& fs, const TryCheckpoint& attempt) {
  for (int retry = 0; retry < kMaxRotationRetries; ++retry) {
    std::vector<std::string> candidates = checkpoint_candidates(dir, fs);
    if (candidates.empty()) return std::nullopt;
    std::optional<ChosenCheckpoint> chosen =
        try_newest_intact(dir, candidates, options, fs, attempt);
    if (chosen) return chosen;
  }
  throw AbortedError("the checkpoints of " + dir + " were rotated away while being read, " +
                     std::to_string(kMaxRotationRetries) +
                     " times in a row: a trainer deletes them faster than they can be read");
}

}  // namespace internal

std::optional<RestoreChoice> newest_intact_checkpoint(const std::string& dir,
                                                      RestoreOptions options, FileSystem& fs) {
  RestoreChoice choice;
  auto attempt = [&](const std::string& prefix) -> Status {
    Checked checked = check(prefix, fs);
    if (!checked.health.ok) return data_loss_error(checked.health.problem);
    CAIRN_ASSIGN_OR_RETURN(choice.meta, internal::read_checkpoint_meta(fs, prefix));
    choice.reader = std::make_unique<CheckpointReader>(std::move(checked.reader));
    return ok_status();
  };
  std::optional<internal::ChosenCheckpoint> chosen =
      internal::choose_newest_intact(dir, options, fs, attempt);
  if (!chosen) return std::nullopt;
  choice.prefix = chosen->prefix;
  choice.skipped = std::move(chosen->skipped);
  return choice;
}

}  // namespace cairn
