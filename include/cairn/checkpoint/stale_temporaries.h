// Leftover temporary files: what a save killed half-way leaves behind, and
// how they are recognised and removed.
//
// Every cairn save writes under a temporary name beside its target and
// renames it into place once it is complete and synced:
//   - tensor bundles (BundleWriter):           NAME.tempstate<16 hex digits>
//   - FileSystem::write_file_atomically (the
//     state file, .meta, graph.pbtxt, .h5):   NAME.tmp<16 hex digits>
// A process killed between the write and the rename leaves such a file.
// Readers never take one for a checkpoint (the state file names checkpoints,
// and directory scans look for exact suffixes such as ".index"); the next
// trainer removes them:
//
//   std::vector<std::string> removed = cairn::remove_stale_temporaries("models/iris");
//
// Only files matching the two patterns above are touched; anything else a
// user keeps in the directory, including other programs' temporaries, stays.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/io/file_system.h"

namespace cairn {

// True when `name` (a file name, not a path) is one of cairn's temporaries.
bool is_stale_temporary_name(std::string_view name);

// Removes cairn's temporaries directly inside `dir` (not in subdirectories)
// and returns the names removed. Call it only while no other process writes
// to `dir` (Estimator::train holds the model directory's lock when it does):
// a temporary of a save still in progress looks exactly like a leftover. A
// missing directory has nothing to remove; other failures are ignored, since
// a leftover only costs disk space.
std::vector<std::string> remove_stale_temporaries(const std::string& dir,
                                                  FileSystem& fs = default_file_system());

}  // namespace cairn
