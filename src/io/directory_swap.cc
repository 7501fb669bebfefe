// write_directory_atomically and remove_tree (cairn/io/directory_swap.h).
#include "cairn/io/directory_swap.h"

#include <cstdio>
#include <random>
#include <string_view>

namespace cairn {
namespace {

constexpr std::string_view kFreshMarker = ".writing";
constexpr std::string_view kAsideSuffix = ".replaced";
constexpr size_t kRandomDigits = 16;
constexpr int kMaxDepth = 32;

std::string random_digits() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char digits[kRandomDigits + 1];
  std::snprintf(digits, sizeof(digits), "%016llx", static_cast<unsigned long long>(rng()));
  return digits;
}

// `name` is `target`'s fresh directory: TARGET.writing<16 hex digits>.
bool is_fresh_name_of(std::string_view name, std::string_view target) {
  const size_t prefix = target.size() + kFreshMarker.size();
  if (name.size() != prefix + kRandomDigits || !name.starts_with(target)) return false;
  if (name.substr(target.size(), kFreshMarker.size()) != kFreshMarker) return false;
  for (char c : name.substr(prefix)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

FileType type_or_missing(FileSystem& fs, const std::string& path) {
  Result<FileType> type = fs.file_type(path);
  return type.ok() ? *type : FileType::kMissing;
}

Status remove_tree_at(FileSystem& fs, const std::string& path, int depth) {
  CAIRN_ASSIGN_OR_RETURN(FileType type, fs.file_type(path));
  if (type == FileType::kMissing) return ok_status();
  if (type != FileType::kDirectory) return fs.remove_file(path);
  if (depth >= kMaxDepth) {
    return failed_precondition_error("remove " + path + ": nested deeper than " +
                                     std::to_string(kMaxDepth) + " directories");
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.list_directory(path));
  for (const std::string& name : names) {
    CAIRN_RETURN_IF_ERROR(remove_tree_at(fs, join_path(path, name), depth + 1));
  }
  return fs.remove_directory(path);
}

// What killed calls left: PATH.replaced goes back if PATH is missing (killed
// between the two renames), else away; fresh directories are removed.
Status recover_leftovers(FileSystem& fs, const std::string& dir) {
  const std::string aside = dir + std::string(kAsideSuffix);
  if (type_or_missing(fs, aside) == FileType::kDirectory) {
    if (type_or_missing(fs, dir) == FileType::kMissing) {
      CAIRN_RETURN_IF_ERROR(fs.rename_file(aside, dir));
    } else {
      CAIRN_RETURN_IF_ERROR(remove_tree(fs, aside));
    }
  }
  const std::string parent = dirname(dir);
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.list_directory(parent));
  for (const std::string& name : names) {
    const std::string path = join_path(parent, name);
    if (is_fresh_name_of(name, basename(dir)) &&
        type_or_missing(fs, path) == FileType::kDirectory) {
      CAIRN_RETURN_IF_ERROR(remove_tree(fs, path));
    }
  }
  return ok_status();
}

// Puts `fresh` at `dir`; returns where the old contents went (to remove),
// or "" when there were none.
Result<std::string> swap_in(FileSystem& fs, const std::string& fresh, const std::string& dir) {
  if (type_or_missing(fs, dir) == FileType::kMissing) {
    CAIRN_RETURN_IF_ERROR(fs.rename_file(fresh, dir));
    return std::string();
  }
  Status exchanged = fs.exchange_paths(fresh, dir);
  if (exchanged.ok()) return fresh;
  if (exchanged.code() != StatusCode::kUnimplemented) return exchanged;
  const std::string aside = dir + std::string(kAsideSuffix);
  CAIRN_RETURN_IF_ERROR(fs.rename_file(dir, aside));
  Status renamed = fs.rename_file(fresh, dir);
  if (!renamed.ok()) {
    (void)fs.rename_file(aside, dir);  // put the old one back; report the first error
    return renamed;
  }
  return aside;
}

}  // namespace

Status remove_tree(FileSystem& fs, const std::string& path) { return remove_tree_at(fs, path, 0); }

Status write_directory_atomically(FileSystem& fs, const std::string& path,
                                  const std::function<Status(const std::string& fresh)>& write) {
  std::string dir = path;  // "out/" would put the fresh directory inside it
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  CAIRN_RETURN_IF_ERROR(fs.create_directories(dirname(dir)));
  CAIRN_RETURN_IF_ERROR(recover_leftovers(fs, dir));
  const std::string fresh = dir + std::string(kFreshMarker) + random_digits();
  CAIRN_RETURN_IF_ERROR(fs.create_directories(fresh));
  Status written = write(fresh);
  if (written.ok()) written = fs.sync_directory(fresh);
  Result<std::string> old = written.ok() ? swap_in(fs, fresh, dir) : Result<std::string>(written);
  if (!old.ok()) {
    (void)remove_tree(fs, fresh);  // best effort; the write's error is the one to report
    return old.status();
  }
  CAIRN_RETURN_IF_ERROR(fs.sync_directory(dirname(dir)));
  // The swap is committed; an old copy left behind is removed by the next call.
  if (!old->empty()) (void)remove_tree(fs, *old);
  return ok_status();
}

}  // namespace cairn
