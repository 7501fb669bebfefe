// The FileSystem helpers every implementation shares: whole-file reads,
// atomic replacement (write a temporary beside the target, sync, rename,
// sync the directory) and '/'-separated path arithmetic.
#include "cairn/io/file_system.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "cairn/io/temporary_names.h"

namespace cairn {
namespace {

Status write_and_sync(FileSystem& fs, const std::string& path, std::string_view data) {
  CAIRN_ASSIGN_OR_RETURN(auto file, fs.new_writable_file(path));
  CAIRN_RETURN_IF_ERROR(file->append(data));
  CAIRN_RETURN_IF_ERROR(file->sync());
  return file->close();
}

// `relative` without "." and "a/.." steps; nullopt when it climbs out of the
// directory it is relative to ("../x", "a/../../x") or names it itself.
std::optional<std::string> normalized_inside(std::string_view relative) {
  std::vector<std::string_view> parts;
  while (!relative.empty()) {
    size_t slash = relative.find('/');
    std::string_view part = relative.substr(0, slash);
    relative.remove_prefix(slash == std::string_view::npos ? relative.size() : slash + 1);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
  }
  if (parts.empty()) return std::nullopt;
  std::string out(parts.front());
  for (size_t i = 1; i < parts.size(); ++i) out.append("/").append(parts[i]);
  return out;
}

}  // namespace

std::string_view file_type_name(FileType type) {
  switch (type) {
    case FileType::kMissing:
      return "missing";
    case FileType::kRegular:
      return "regular file";
    case FileType::kDirectory:
      return "directory";
    case FileType::kSymlink:
      return "symbolic link";
    case FileType::kOther:
      return "special file (FIFO, device or socket)";
  }
  return "unknown";
}

Result<std::string> FileSystem::resolve_beneath(const std::string& dir,
                                                const std::string& relative) {
  std::optional<std::string> inside;
  if (!is_absolute_path(relative)) inside = normalized_inside(relative);
  if (!inside) {
    return failed_precondition_error("\"" + relative + "\" does not name a path inside " + dir);
  }
  return join_path(dir, *inside);
}

Result<std::string> FileSystem::real_path(const std::string& path) {
  std::vector<std::string_view> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (!part.empty() && part != "." && !(part == ".." && is_absolute_path(path))) {
      parts.push_back(part);
    }
  }
  std::string out = is_absolute_path(path) ? "/" : "";
  for (std::string_view part : parts) out = join_path(out, part);
  return out.empty() ? "." : out;
}

bool path_within(std::string_view path, std::string_view dir) {
  if (dir == "/" || path == dir) return true;
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

Result<std::string> FileSystem::read_file(const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(auto file, new_random_access_file(path));
  std::string out(file->size(), '\0');
  size_t done = 0;
  while (done < out.size()) {
    CAIRN_ASSIGN_OR_RETURN(std::string_view got,
                           file->read(done, out.size() - done, out.data() + done));
    if (got.empty()) break;  // the file shrank since it was opened
    if (got.data() != out.data() + done) std::copy(got.begin(), got.end(), out.data() + done);
    done += got.size();
  }
  out.resize(done);
  return out;
}

Status FileSystem::write_file_atomically(const std::string& path, std::string_view data) {
  std::string tmp = temporary_path_for(path);
  Status status = write_and_sync(*this, tmp, data);
  if (status.ok()) status = rename_file(tmp, path);
  if (!status.ok()) {
    (void)remove_file(tmp);  // best effort; the first error is the one to report
    return status;
  }
  Status synced = sync_directory(dirname(path));
  return synced.ok() ? synced : synced.with_context("committing " + path);
}

Status FileSystem::link_file(const std::string& from, const std::string& to) {
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, read_file(from));
  return write_and_sync(*this, to, bytes);
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  if (name.empty()) return std::string(dir);
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

namespace {

std::string_view strip_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

std::string dirname(std::string_view path) {
  path = strip_trailing_slashes(path);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  std::string_view dir = strip_trailing_slashes(path.substr(0, slash));
  return dir.empty() ? "/" : std::string(dir);
}

std::string basename(std::string_view path) {
  path = strip_trailing_slashes(path);
  if (path == "/") return "/";
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace cairn
