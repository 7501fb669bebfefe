#include "cairn/checkpoint/leftover_checkpoints.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn {
namespace {

struct BundleFiles {
  bool index = false;
  bool others = false;  // data shards or .meta
};

// The bundle `file` belongs to: its name and whether it is the index;
// nullopt for every other file, hidden ones and "NAME.previous.*" included.
std::optional<std::pair<std::string, bool>> bundle_file(std::string_view file) {
  std::optional<BundleFileName> name = parse_bundle_file_name(file);
  if (!name || name->prefix.front() == '.' || is_previous_bundle_prefix(name->prefix)) {
    return std::nullopt;
  }
  return std::make_pair(std::string(name->prefix), name->kind == BundleFileKind::kIndex);
}

// True when `path` names a file directly inside `dir`.
bool directly_in(const std::string& dir, const std::string& path) {
  return join_path(dir, basename(path)) == path;
}

std::map<std::string, BundleFiles> bundles_by_name(FileSystem& fs, const std::string& dir) {
  std::map<std::string, BundleFiles> out;
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return out;
  for (const std::string& file : *names) {
    auto part = bundle_file(file);
    if (!part) continue;
    BundleFiles& files = out[part->first];
    (part->second ? files.index : files.others) = true;
  }
  return out;
}

// When `path` was last written; nullopt where the file system keeps no
// times (the in-memory one), so rule 2 of the header finds nothing there.
std::optional<double> written_at(FileSystem& fs, const std::string& path) {
  Result<double> time = fs.modification_time(path);
  if (!time.ok()) return std::nullopt;
  return *time;
}

// What the state file says, in the terms the two rules need.
struct Listing {
  std::string name;  // "model.ckpt" of "model.ckpt-200"
  int64_t newest_step = 0;
  std::set<std::string> listed;          // names in the directory
  std::optional<int64_t> oldest_step;    // of all_model_checkpoint_paths
  std::optional<double> oldest_written;  // its timestamp
  std::optional<double> last_preserved;
};

std::optional<Listing> read_listing(FileSystem& fs, const std::string& dir) {
  CheckpointState state;
  try {
    state = get_checkpoint_state(dir, fs);
  } catch (const std::exception&) {
    return std::nullopt;  // lost or corrupt: nothing is a leftover
  }
  if (state.model_checkpoint_path.empty() || !directly_in(dir, state.model_checkpoint_path)) {
    return std::nullopt;
  }
  std::optional<CheckpointName> newest = parse_checkpoint_prefix(state.model_checkpoint_path);
  if (!newest) return std::nullopt;
  Listing out{.name = newest->name, .newest_step = newest->step};
  out.listed.insert(basename(state.model_checkpoint_path));
  for (const std::string& path : state.all_model_checkpoint_paths)
    out.listed.insert(basename(path));
  const auto& paths = state.all_model_checkpoint_paths;
  if (paths.empty() || !directly_in(dir, paths.front())) return out;
  std::optional<CheckpointName> oldest = parse_checkpoint_prefix(paths.front());
  if (!oldest || oldest->name != out.name) return out;
  out.oldest_step = oldest->step;
  if (state.all_model_checkpoint_timestamps.size() == paths.size()) {
    out.oldest_written = state.all_model_checkpoint_timestamps.front();
  }
  out.last_preserved = state.last_preserved_timestamp;
  return out;
}

// Rule 2 of the header: dropped by retention, not preserved by it.
bool dropped_by_retention(FileSystem& fs, const Listing& listing, int64_t step,
                          const std::string& index) {
  if (!listing.oldest_step || step >= *listing.oldest_step) return false;
  if (!listing.oldest_written || !listing.last_preserved) return false;
  std::optional<double> written = written_at(fs, index);
  return written && *written > *listing.last_preserved && *written <= *listing.oldest_written;
}

}  // namespace

std::vector<LeftoverCheckpoint> find_leftover_checkpoints(const std::string& dir, FileSystem& fs) {
  std::vector<LeftoverCheckpoint> out;
  std::optional<Listing> listing = read_listing(fs, dir);
  if (!listing) return out;
  std::vector<std::pair<int64_t, LeftoverCheckpoint>> found;
  for (const auto& [name, files] : bundles_by_name(fs, dir)) {
    std::optional<CheckpointName> parsed = parse_checkpoint_prefix(name);
    if (!parsed || parsed->name != listing->name) continue;
    const int64_t step = parsed->step;
    const std::string prefix = join_path(dir, name);
    if (!files.index && step < listing->newest_step) {
      found.push_back({step, {prefix, "incomplete (no .index): its deletion was cut short"}});
    } else if (files.index && !listing->listed.contains(name) &&
               dropped_by_retention(fs, *listing, step, bundle_index_path(prefix))) {
      found.push_back({step,
                       {prefix,
                        "dropped by retention (older than every listed checkpoint, written "
                        "after the last preserved one) but not deleted"}});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [step, leftover] : found) out.push_back(std::move(leftover));
  return out;
}

std::vector<LeftoverCheckpoint> remove_leftover_checkpoints(const std::string& dir,
                                                            FileSystem& fs) {
  std::vector<LeftoverCheckpoint> leftovers = find_leftover_checkpoints(dir, fs);
  for (const LeftoverCheckpoint& leftover : leftovers) remove_bundle_files(fs, leftover.prefix);
  return leftovers;
}

// NAME.index is removed by name; NAME.previous.index is not a file of NAME.
void remove_bundle_files(FileSystem& fs, const std::string& prefix) {
  (void)fs.remove_file(bundle_index_path(prefix));  // first: now it is "being deleted"
  const std::string dir = dirname(prefix);
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return;
  for (const std::string& file : *names) {
    std::optional<BundleFileName> name = parse_bundle_file_name(file);
    if (name && name->prefix == basename(prefix)) (void)fs.remove_file(join_path(dir, file));
  }
}

}  // namespace cairn
