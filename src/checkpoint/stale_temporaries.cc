#include "cairn/checkpoint/stale_temporaries.h"

#include <array>

namespace cairn {
namespace {

// The markers the writers put between a target's name and 16 random hex
// digits: BundleWriter's temp_suffix() and write_file_atomically's
// temporary_path_for() (src/formats/bundle_writer.cc, src/io/file_system.cc).
constexpr std::array<std::string_view, 2> kMarkers = {".tempstate", ".tmp"};
constexpr size_t kRandomDigits = 16;

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool is_stale_temporary_name(std::string_view name) {
  if (name.size() <= kRandomDigits) return false;
  std::string_view digits = name.substr(name.size() - kRandomDigits);
  std::string_view rest = name.substr(0, name.size() - kRandomDigits);
  if (!is_lower_hex(digits)) return false;
  for (std::string_view marker : kMarkers) {
    // A target name precedes the marker: ".tmp0123..." alone is not ours.
    if (rest.size() > marker.size() && rest.ends_with(marker)) return true;
  }
  return false;
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
