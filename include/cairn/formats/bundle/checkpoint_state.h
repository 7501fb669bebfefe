// The `checkpoint` state file of a model directory: a text-format
// tensorflow.CheckpointState naming the newest checkpoint and every one
// still kept, oldest first. TensorFlow 2 adds a creation timestamp for each.
//
//   model_checkpoint_path: "model.ckpt-200"
//   all_model_checkpoint_paths: "model.ckpt-1"
//   all_model_checkpoint_paths: "model.ckpt-200"
//   all_model_checkpoint_timestamps: 1700000000.5
//   all_model_checkpoint_timestamps: 1700000042.25
//   last_preserved_timestamp: 1699999990.0
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::CheckpointState s,
//                          cairn::read_checkpoint_state(fs, "models/iris"));
//   s.all_model_checkpoint_paths.push_back("model.ckpt-400");
//   CAIRN_RETURN_IF_ERROR(cairn::write_checkpoint_state(fs, "models/iris", s));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/io/file_system.h"

namespace cairn {

inline constexpr std::string_view kCheckpointStateFilename = "checkpoint";

// DIR/checkpoint: where the state file of the model directory `dir` lives.
std::string checkpoint_state_path(std::string_view dir);

struct CheckpointState {
  std::string model_checkpoint_path;
  std::vector<std::string> all_model_checkpoint_paths;  // oldest first
  std::vector<double> all_model_checkpoint_timestamps;  // seconds since the epoch
  std::optional<double> last_preserved_timestamp;
};

// Parses the text format; DATA_LOSS naming `path` when it is not a valid
// CheckpointState.
Result<CheckpointState> parse_checkpoint_state(std::string_view text, const std::string& path);

// The text format, fields in TensorFlow's order.
std::string serialize_checkpoint_state(const CheckpointState& state);

// Reads DIR/checkpoint; NOT_FOUND when the directory has none.
Result<CheckpointState> read_checkpoint_state(FileSystem& fs, const std::string& dir);

// Replaces DIR/checkpoint atomically (temporary file, fsync, rename, fsync of
// DIR). Paths inside DIR are written relative to it, as TensorFlow does, so
// the directory can be moved.
Status write_checkpoint_state(FileSystem& fs, const std::string& dir, CheckpointState state);

}  // namespace cairn
