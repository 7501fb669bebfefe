#include "cairn/checkpoint/stale_temporaries.h"

#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/temporary_names.h"

namespace cairn {

// The markers of write_file_atomically's and BundleWriter's temporaries.
bool is_stale_temporary_name(std::string_view name) {
  return is_temporary_name(name, kTemporaryMarker) ||
         is_temporary_name(name, kBundleTemporaryMarker);
}

std::vector<std::string> remove_stale_temporaries(const std::string& dir, FileSystem& fs) {
  std::vector<std::string> removed;
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return removed;
  for (const std::string& name : *names) {
    if (!is_stale_temporary_name(name)) continue;
    std::string path = join_path(dir, name);
    // Only files the writers made: never a directory, and never a symbolic
    // link (or a FIFO) someone planted under such a name.
    Result<FileType> type = fs.file_type(path);
    if (!type.ok() || *type != FileType::kRegular) continue;
    if (fs.remove_file(path).ok()) removed.push_back(name);
  }
  return removed;
}

}  // namespace cairn
