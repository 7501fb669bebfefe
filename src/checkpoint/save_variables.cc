#include "cairn/checkpoint/save_variables.h"

#include <algorithm>
#include <chrono>

#include "cairn/core/errors.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/formats/bundle/checkpoint_state.h"

namespace cairn {
namespace {

double now_seconds() {
  using std::chrono::duration;
  using std::chrono::system_clock;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Appends `prefix` as the newest checkpoint of `dir` (moving it to the end if
// it was listed already), keeping the timestamps aligned with the paths.
void record_checkpoint(FileSystem& fs, const std::string& dir, const std::string& prefix) {
  Result<CheckpointState> read = read_checkpoint_state(fs, dir);
  if (!read.ok() && read.status().code() != StatusCode::kNotFound) throw_if_error(read.status());
  CheckpointState state = read.ok() ? *read : CheckpointState{};
  std::string name = basename(prefix);
  auto& paths = state.all_model_checkpoint_paths;
  auto& stamps = state.all_model_checkpoint_timestamps;
  if (stamps.size() != paths.size()) stamps.assign(paths.size(), now_seconds());
  for (size_t i = paths.size(); i-- > 0;) {
    if (basename(paths[i]) == name) {
      paths.erase(paths.begin() + static_cast<std::ptrdiff_t>(i));
      stamps.erase(stamps.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  paths.push_back(name);
  stamps.push_back(now_seconds());
  state.model_checkpoint_path = name;
  throw_if_error(write_checkpoint_state(fs, dir, state));
}

}  // namespace

NamedTensorRefs refs_to(const NamedTensors& tensors) {
  NamedTensorRefs refs;
  refs.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) refs.emplace_back(name, &tensor);
  return refs;
}

std::string save_variables(const std::string& prefix, const NamedTensors& variables,
                           const SaveOptions& options, FileSystem& fs) {
  return save_variables(prefix, refs_to(variables), options, fs);
}

std::string save_variables(const std::string& prefix, const NamedTensorRefs& variables,
                           const SaveOptions& options, FileSystem& fs) {
  std::string dir = dirname(prefix);
  throw_if_error(fs.create_directories(dir));
  auto writer = value_or_throw(
      BundleWriter::create(fs, prefix, BundleWriterOptions{.num_shards = options.num_shards}));
  for (const auto& [name, tensor] : variables) throw_if_error(writer->add(name, *tensor));
  throw_if_error(writer->finish());
  if (options.update_state_file) record_checkpoint(fs, dir, prefix);
  return prefix;
}

}  // namespace cairn
