#include "cairn/checkpoint/verify.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle_reader.h"
#include "cairn/formats/checkpoint_state.h"

namespace cairn {

namespace {

constexpr std::string_view kIndexSuffix = ".index";

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

// The number after the last '-' of a prefix ("model.ckpt-200" -> 200), or -1.
int64_t step_of(const std::string& prefix) {
  const size_t dash = prefix.rfind('-');
  if (dash == std::string::npos || dash + 1 == prefix.size()) return -1;
  int64_t step = 0;
  for (size_t i = dash + 1; i < prefix.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(prefix[i]))) return -1;
    step = step * 10 + (prefix[i] - '0');
    if (step > (int64_t{1} << 52)) return -1;
  }
  return step;
}

// Bundles in `dir` by their .index files; temporaries (".tempstate...",
// ".tmp...") end otherwise and are never listed.
std::vector<std::string> bundles_in(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> prefixes;
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return prefixes;
  for (const std::string& name : *names) {
    if (name.size() > kIndexSuffix.size() && name.ends_with(kIndexSuffix) && name[0] != '.') {
      prefixes.push_back(join(dir, name.substr(0, name.size() - kIndexSuffix.size())));
    }
  }
  std::stable_sort(
      prefixes.begin(), prefixes.end(),
      [](const std::string& a, const std::string& b) { return step_of(a) > step_of(b); });
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

uint64_t size_or_zero(FileSystem& fs, const std::string& path) {
  Result<uint64_t> size = fs.file_size(path);
  return size.ok() ? *size : 0;
}

uint64_t bundle_bytes(const BundleReader& reader, FileSystem& fs) {
  uint64_t total = size_or_zero(fs, reader.prefix() + ".index");
  for (int i = 0; i < reader.num_shards(); ++i) {
    char name[64];
    std::snprintf(name, sizeof name, ".data-%05d-of-%05d", i, reader.num_shards());
    total += size_or_zero(fs, reader.prefix() + name);
  }
  return total;
}

// True when no file of the bundle `prefix` is left in its directory.
bool data_files_absent(FileSystem& fs, const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : prefix.substr(0, slash);
  const std::string base = prefix.substr(slash == std::string::npos ? 0 : slash + 1);
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return true;
  for (const std::string& name : *names) {
    if (name.rfind(base + ".data-", 0) == 0) return false;
  }
  return true;
}

}  // namespace

CheckpointHealth verify_checkpoint(const std::string& prefix, FileSystem& fs) {
  CheckpointHealth health{.prefix = prefix};
  Result<std::unique_ptr<BundleReader>> reader = BundleReader::open(fs, prefix);
  if (!reader.ok()) {
    health.problem = reader.status().message();
    return health;
  }
  const Status checked = (*reader)->verify_all();
  health.tensors = static_cast<int64_t>((*reader)->entries().size());
  health.bytes = bundle_bytes(**reader, fs);
  health.ok = checked.ok();
  if (!checked.ok()) health.problem = checked.message();
  return health;
}

std::vector<std::string> checkpoint_candidates(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  // Older checkpoints the state file still lists but whose files are all
  // gone were deleted, not damaged; the newest one it names always counts.
  const std::vector<std::string> listed = recorded(dir, fs);
  for (size_t i = 0; i < listed.size(); ++i) {
    const std::string& p = listed[i];
    const bool deleted = i > 0 && !fs.file_exists(p + ".index") && data_files_absent(fs, p);
    if (!deleted && seen.insert(p).second) out.push_back(p);
  }
  for (const std::string& p : bundles_in(dir, fs)) {
    if (seen.insert(p).second) out.push_back(p);
  }
  return out;
}

std::vector<CheckpointHealth> verify_directory(const std::string& dir, FileSystem& fs) {
  std::vector<CheckpointHealth> out;
  for (const std::string& prefix : checkpoint_candidates(dir, fs)) {
    out.push_back(verify_checkpoint(prefix, fs));
  }
  return out;
}

std::optional<RestoreChoice> newest_intact_checkpoint(const std::string& dir,
                                                      RestoreOptions options, FileSystem& fs) {
  std::vector<std::string> candidates = checkpoint_candidates(dir, fs);
  if (candidates.empty()) return std::nullopt;
  RestoreChoice choice;
  for (const std::string& prefix : candidates) {
    CheckpointHealth health = verify_checkpoint(prefix, fs);
    if (health.ok) {
      choice.prefix = prefix;
      return choice;
    }
    choice.skipped.push_back(prefix + " is damaged: " + health.problem);
    if (options.fail_on_damaged) {
      throw DataLossError("newest checkpoint " + choice.skipped.back() +
                          " (fallback to an older checkpoint is turned off)");
    }
  }
  std::string message = "every checkpoint in " + dir + " is damaged:";
  for (const std::string& s : choice.skipped) message += "\n  - " + s;
  throw DataLossError(message);
}

}  // namespace cairn
