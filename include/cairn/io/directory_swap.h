// Replacing a whole directory atomically: the new contents are written into
// a fresh sibling directory, synced, and then swapped in with one rename, so
// a reader (or a process killed at any instant) sees either the complete old
// directory or the complete new one at the path, never a mixture.
//
//   CAIRN_RETURN_IF_ERROR(cairn::write_directory_atomically(
//       fs, "serving/iris", [&](const std::string& fresh) {
//         return cairn::write_saved_model(fs, fresh, model);   // fills serving/iris.writing<hex>
//       }));
//
// The swap is renameat2(RENAME_EXCHANGE) where the system has it (then the
// old directory, now under the fresh name, is removed). Elsewhere the old
// directory is renamed aside to PATH.replaced and the new one renamed in; a
// kill between the two leaves PATH missing, and the next call moves
// PATH.replaced back before it starts. Leftover fresh directories of killed
// calls (PATH.writing<16 hex digits>) are removed by the next call.
#pragma once

#include <functional>
#include <string>

#include "cairn/io/file_system.h"

namespace cairn {

// Makes `dir` hold what `write(fresh)` writes into an empty fresh directory.
// Whatever `dir` was (a directory or a file) is replaced: callers decide what
// may be. On failure `dir` is left as it was and the fresh directory removed.
[[nodiscard]] Status write_directory_atomically(
    FileSystem& fs, const std::string& dir,
    const std::function<Status(const std::string& fresh)>& write);

// Removes `path` and, if it is a directory, everything under it. Symbolic
// links are removed, never followed. FAILED_PRECONDITION past 32 levels.
[[nodiscard]] Status remove_tree(FileSystem& fs, const std::string& path);

}  // namespace cairn
