#include "cairn/checkpoint/checkpoint_path.h"

#include <optional>

#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn {
namespace {

bool checkpoint_exists(FileSystem& fs, const std::string& prefix) {
  return fs.file_exists(bundle_index_path(prefix));
}

// "x.index" / "x.data-00000-of-00001" / "x.meta" -> "x"; otherwise unchanged.
std::string strip_checkpoint_suffix(const std::string& path) {
  std::optional<BundleFileName> file = parse_bundle_file_name(path);
  return file ? std::string(file->prefix) : path;
}

}  // namespace

namespace internal {
namespace {

Status outside_error(const std::string& dir, const std::string& recorded, const Status& why) {
  return data_loss_error(checkpoint_state_path(dir) + " names checkpoint \"" + recorded +
                         "\", which lies outside " + dir +
                         "; a state file may only name checkpoints in its own directory (" +
                         why.message() + ")");
}

}  // namespace

Result<std::string> resolve_recorded_path(FileSystem& fs, const std::string& dir,
                                          const std::string& recorded) {
  // An absolute path was written on another machine, or before the directory
  // moved: it means the checkpoint of that name in `dir`, never a file elsewhere.
  const std::string relative = is_absolute_path(recorded) ? basename(recorded) : recorded;
  Result<std::string> prefix = fs.resolve_beneath(dir, relative);
  if (!prefix.ok()) return outside_error(dir, recorded, prefix.status());
  // The index decides which bundle is there: it may not be a link out either.
  Result<std::string> index = fs.resolve_beneath(dir, bundle_index_path(relative));
  if (!index.ok()) return outside_error(dir, recorded, index.status());
  return prefix;
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

namespace {

// Why directory `dir` has no newest checkpoint, naming its state file and the
// entry in it (latest_checkpoint() found none and did not throw).
std::string why_no_checkpoint(const std::string& dir, FileSystem& fs) {
  const std::string state_file = checkpoint_state_path(dir);
  Result<CheckpointState> state = read_checkpoint_state(fs, dir);
  if (!state.ok()) return "no checkpoint in directory " + dir + ": " + state.status().message();
  const std::string& recorded = state->model_checkpoint_path;
  if (recorded.empty()) {
    return "no checkpoint in directory " + dir + ": its state file " + state_file +
           " names none (model_checkpoint_path is empty)";
  }
  Result<std::string> prefix = internal::resolve_recorded_path(fs, dir, recorded);
  return state_file + " names checkpoint \"" + recorded + "\"" +
         (prefix.ok() ? ", but " + bundle_index_path(*prefix) + " does not exist" : "");
}

}  // namespace

std::string resolve_checkpoint(const std::string& path, FileSystem& fs) {
  if (fs.is_directory(path)) {
    std::optional<std::string> newest = latest_checkpoint(path, fs);
    if (newest) return *newest;
    throw NotFoundError(why_no_checkpoint(path, fs));
  }
  std::string prefix = strip_checkpoint_suffix(path);
  if (prefix != path && checkpoint_exists(fs, prefix)) return prefix;
  return path;  // BundleReader explains what is missing (or that it is V1)
}

}  // namespace cairn
