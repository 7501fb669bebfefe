// Leftover checkpoints: what retention leaves behind when a trainer is
// killed while it drops old checkpoints, how they are recognised, and how
// the next trainer collects them.
//
//   for (const cairn::LeftoverCheckpoint& l : cairn::find_leftover_checkpoints("models/iris"))
//     std::cout << "orphan " << l.prefix << ": " << l.why << "\n";
//   cairn::remove_leftover_checkpoints("models/iris");  // at train start, under the lock
//
// Retention (CheckpointManager) first writes the state file without the
// dropped checkpoint, then deletes its files, .index first: a bundle without
// its .index is "being deleted" and never a restore candidate. A kill in
// between leaves one of two things, and only these are leftovers:
//
//  1. Incomplete: NAME.data-* or NAME.meta without NAME.index, with a step
//     below the newest checkpoint the state file names. (An incomplete bundle
//     newer than that is a save cut short; the next save of that step
//     replaces it.)
//  2. Dropped: a complete bundle the state file no longer lists, with a step
//     below its oldest entry's, whose .index was written after the state
//     file's last_preserved_timestamp and no later than its oldest entry's
//     timestamp. Checkpoints kept by keep_checkpoint_every_n_hours are also
//     complete, unlisted and older, but TensorFlow and cairn set
//     last_preserved_timestamp to the timestamp of the newest one preserved,
//     so every preserved checkpoint was written at or before it and is never
//     taken for a leftover. The upper bound keeps a directory copied without
//     its times (every file newer than every recorded timestamp) untouched.
//
// Only bundles named like the state file's newest entry ("model.ckpt-N")
// count; "<prefix>.previous" copies (formats/bundle_commit.cc), temporaries
// and every other file are never touched. Without a readable state file that
// names a newest checkpoint, nothing is a leftover.
#pragma once

#include <string>
#include <vector>

#include "cairn/io/file_system.h"

namespace cairn {

struct LeftoverCheckpoint {
  std::string prefix;  // DIR/NAME
  std::string why;     // which of the two kinds above, in words
};

// The leftovers of `dir`, oldest step first. Never throws: a directory or
// state file that cannot be read has none.
std::vector<LeftoverCheckpoint> find_leftover_checkpoints(const std::string& dir,
                                                          FileSystem& fs = default_file_system());

// Removes the files of every leftover (.index first) and returns what was
// removed. Call it only while holding the directory's lock
// (checkpoint/directory_lock.h): a save in progress must not be running.
std::vector<LeftoverCheckpoint> remove_leftover_checkpoints(const std::string& dir,
                                                            FileSystem& fs = default_file_system());

// Deletes the files of the bundle `prefix` (NAME.index first, then
// NAME.data-* and NAME.meta), leaving "NAME.previous.*" and temporaries.
// Failures are ignored: what is left is found again as a leftover.
void remove_bundle_files(FileSystem& fs, const std::string& prefix);

}  // namespace cairn
