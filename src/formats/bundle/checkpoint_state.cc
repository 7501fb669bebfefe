// The text-format CheckpointState (proto/cairn/proto/checkpoint_state.proto),
// parsed and printed with protobuf's TextFormat.
#include "cairn/formats/bundle/checkpoint_state.h"

#include <google/protobuf/text_format.h>

#include "cairn/proto/checkpoint_state.pb.h"
#include "formats/text_format_errors.h"

namespace cairn {
namespace {

// "dir/model.ckpt-1" -> "model.ckpt-1" when `path` lies directly in `dir`.
std::string relative_to(std::string dir, const std::string& path) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::string prefix = dir.empty() || dir == "." ? "" : dir + "/";
  if (!prefix.empty() && path.size() > prefix.size() &&
      path.compare(0, prefix.size(), prefix) == 0) {
    return path.substr(prefix.size());
  }
  return path;
}

}  // namespace

std::string checkpoint_state_path(std::string_view dir) {
  return join_path(dir, kCheckpointStateFilename);
}

Result<CheckpointState> parse_checkpoint_state(std::string_view text, const std::string& path) {
  tensorflow::CheckpointState proto;
  google::protobuf::TextFormat::Parser parser;
  internal::FirstTextFormatError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &proto)) {
    return data_loss_error(path + ": not a valid CheckpointState text file (" + errors.first() +
                           ")");
  }
  CheckpointState state;
  state.model_checkpoint_path = proto.model_checkpoint_path();
  state.all_model_checkpoint_paths.assign(proto.all_model_checkpoint_paths().begin(),
                                          proto.all_model_checkpoint_paths().end());
  state.all_model_checkpoint_timestamps.assign(proto.all_model_checkpoint_timestamps().begin(),
                                               proto.all_model_checkpoint_timestamps().end());
  if (proto.last_preserved_timestamp() != 0) {
    state.last_preserved_timestamp = proto.last_preserved_timestamp();
  }
  return state;
}

std::string serialize_checkpoint_state(const CheckpointState& state) {
  tensorflow::CheckpointState proto;
  proto.set_model_checkpoint_path(state.model_checkpoint_path);
  for (const auto& p : state.all_model_checkpoint_paths) proto.add_all_model_checkpoint_paths(p);
  for (double t : state.all_model_checkpoint_timestamps) {
    proto.add_all_model_checkpoint_timestamps(t);
  }
  if (state.last_preserved_timestamp) {
    proto.set_last_preserved_timestamp(*state.last_preserved_timestamp);
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return text;
}

Result<CheckpointState> read_checkpoint_state(FileSystem& fs, const std::string& dir) {
  const std::string path = checkpoint_state_path(dir);
  if (!fs.file_exists(path)) {
    return not_found_error("no checkpoint state file " + path + " (has anything been saved in " +
                           dir + "?)");
  }
  CAIRN_ASSIGN_OR_RETURN(std::string text, fs.read_file(path));
  return parse_checkpoint_state(text, path);
}

Status write_checkpoint_state(FileSystem& fs, const std::string& dir, CheckpointState state) {
  state.model_checkpoint_path = relative_to(dir, state.model_checkpoint_path);
  for (auto& p : state.all_model_checkpoint_paths) p = relative_to(dir, p);
  const std::string path = checkpoint_state_path(dir);
  return fs.write_file_atomically(path, serialize_checkpoint_state(state));
}

}  // namespace cairn
