#include "cairn/checkpoint/checkpoint_path.h"

#include <optional>
#include <regex>
#include <string_view>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/formats/tensor_bundle.h"

namespace cairn {
namespace {

bool checkpoint_exists(FileSystem& fs, const std::string& prefix) {
  return fs.file_exists(bundle_index_path(prefix));
}

// "x.index" / "x.data-00000-of-00001" / "x.meta" -> "x"; otherwise unchanged.
std::string strip_checkpoint_suffix(const std::string& path) {
  static const std::regex kSuffix(R"((\.index|\.meta|\.data-\d{5}-of-\d{5})$)");
  return std::regex_replace(path, kSuffix, "");
}

}  // namespace

namespace internal {
namespace {

// The relative path `recorded` without "." and "a/.." steps; nullopt when it
// climbs out of the directory it is relative to ("../x", "a/../../x") or
// names the directory itself.
std::optional<std::string> normalized_inside(std::string_view recorded) {
  std::vector<std::string_view> parts;
  while (!recorded.empty()) {
    size_t slash = recorded.find('/');
    std::string_view part = recorded.substr(0, slash);
    recorded.remove_prefix(slash == std::string_view::npos ? recorded.size() : slash + 1);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
  }
  if (parts.empty()) return std::nullopt;
  std::string out(parts.front());
  for (size_t i = 1; i < parts.size(); ++i) out.append("/").append(parts[i]);
  return out;
}

Status outside_error(const std::string& dir, const std::string& recorded) {
  return data_loss_error(join_path(dir, kCheckpointStateFilename) + " names checkpoint \"" +
                         recorded + "\", which lies outside " + dir +
                         "; a state file may only name checkpoints in its own directory");
}

}  // namespace

Result<std::string> resolve_recorded_path(FileSystem& /*fs*/, const std::string& dir,
                                          const std::string& recorded) {
  if (!is_absolute_path(recorded)) {
    std::optional<std::string> inside = normalized_inside(recorded);
    if (!inside) return outside_error(dir, recorded);
    return join_path(dir, *inside);
  }
  // Written on another machine, or the directory was moved: the checkpoint
  // of that name in `dir`, never a file elsewhere.
  std::optional<std::string> name = normalized_inside(basename(recorded));  // "/", "/a/.."
  if (!name) return outside_error(dir, recorded);
  return join_path(dir, *name);
}

}  // namespace internal

CheckpointState get_checkpoint_state(const std::string& dir, FileSystem& fs) {
  CheckpointState state = value_or_throw(read_checkpoint_state(fs, dir));
  if (!state.model_checkpoint_path.empty()) {  // empty: the file names no newest checkpoint
    state.model_checkpoint_path =
        value_or_throw(internal::resolve_recorded_path(fs, dir, state.model_checkpoint_path));
  }
  for (auto& p : state.all_model_checkpoint_paths) {
    p = value_or_throw(internal::resolve_recorded_path(fs, dir, p));
  }
  return state;
}

std::optional<std::string> latest_checkpoint(const std::string& dir, FileSystem& fs) {
  Result<CheckpointState> state = read_checkpoint_state(fs, dir);
  if (!state.ok() && state.status().code() == StatusCode::kNotFound) return std::nullopt;
  throw_if_error(state.status());
  if (state->model_checkpoint_path.empty()) return std::nullopt;
  std::string prefix =
      value_or_throw(internal::resolve_recorded_path(fs, dir, state->model_checkpoint_path));
  if (!checkpoint_exists(fs, prefix)) return std::nullopt;
  return prefix;
}

std::string resolve_checkpoint(const std::string& path, FileSystem& fs) {
  if (fs.is_directory(path)) {
    std::optional<std::string> newest = latest_checkpoint(path, fs);
    if (newest) return *newest;
    if (!fs.file_exists(join_path(path, kCheckpointStateFilename))) {
      throw NotFoundError("no checkpoint in directory " + path +
                          ": it has no `checkpoint` "
                          "state file");
    }
    throw NotFoundError("the `checkpoint` state file in " + path +
                        " names a checkpoint whose .index file is missing");
  }
  std::string prefix = strip_checkpoint_suffix(path);
  if (prefix != path && checkpoint_exists(fs, prefix)) return prefix;
  return path;  // BundleReader explains what is missing (or that it is V1)
}

}  // namespace cairn
