// Finding checkpoints: the newest one in a model directory, and the prefix a
// user means when they name a directory, a prefix or one of its files.
//
//   std::optional<std::string> newest = cairn::latest_checkpoint("models/iris");
//   // "models/iris/model.ckpt-200", or nullopt when nothing was saved there
//
//   cairn::resolve_checkpoint("models/iris");                        // same
//   cairn::resolve_checkpoint("models/iris/model.ckpt-200.index");   // the prefix
//
// Like tf.train.latest_checkpoint, the `checkpoint` state file decides which
// checkpoint is newest. Paths it records are taken relative to the directory;
// absolute paths (written on another machine, or before the directory moved)
// mean the same file name inside the directory that holds the state file. A
// path that leaves the directory ("../x/model.ckpt-1", or "sub/model.ckpt-1"
// where `sub` is a symbolic link out of it) is refused: a state file never
// points a reader, or retention's deletions, at files elsewhere.
#pragma once

#include <optional>
#include <string>

#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/file_system.h"

namespace cairn {

// The newest checkpoint prefix recorded in DIR/checkpoint whose files exist;
// nullopt when there is no state file or the checkpoint it names is gone.
// Throws DataLossError when the state file is unreadable or names a path
// outside DIR.
std::optional<std::string> latest_checkpoint(const std::string& dir,
                                             FileSystem& fs = default_file_system());

// DIR/checkpoint with every recorded path resolved as latest_checkpoint()
// does. Throws NotFoundError when there is no state file.
CheckpointState get_checkpoint_state(const std::string& dir,
                                     FileSystem& fs = default_file_system());

// The checkpoint prefix meant by `path`: the newest checkpoint of a
// directory, a prefix itself, or a prefix recovered from one of its file
// names (.index, .data-NNNNN-of-NNNNN, .meta). Throws NotFoundError, naming
// what was looked for, when there is none.
std::string resolve_checkpoint(const std::string& path, FileSystem& fs = default_file_system());

namespace internal {
// Where a path recorded in DIR/checkpoint points to on this machine, always
// inside DIR: a relative path is taken relative to DIR; an absolute one
// (written on another machine, or before DIR was moved) becomes the
// checkpoint of its base name in DIR. DATA_LOSS naming the state file and the
// entry for a path that leaves DIR ("../other/model.ckpt-1", "/a/..", a
// symlinked directory or .index leading out; see FileSystem::resolve_beneath).
Result<std::string> resolve_recorded_path(FileSystem& fs, const std::string& dir,
                                          const std::string& recorded);
}  // namespace internal

}  // namespace cairn
