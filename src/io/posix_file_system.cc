// The default FileSystem: POSIX system calls on the local disk. Open files
// live in posix_files.cc; this file holds the path-level operations.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "cairn/io/file_system.h"
#include "posix_files.h"

namespace cairn {
namespace {

using internal::posix_error;

// stat(2) of `path`; errno when it fails.
int stat_path(const std::string& path, struct stat* st) {
  return ::stat(path.c_str(), st) == 0 ? 0 : errno;
}

// realpath(3) of `path`: symbolic links resolved; errno when it fails.
Result<std::string> realpath_of(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    return posix_error("resolve " + path, errno);
  }
  return std::string(resolved);
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override {
    return internal::open_posix_writable(path, O_TRUNC);
  }
  Result<std::unique_ptr<WritableFile>> new_streaming_file(const std::string& path) override {
    return internal::open_posix_streaming(path);
  }
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override {
    return internal::open_posix_writable(path, O_APPEND);
  }
  Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) override {
    return internal::open_posix_random_access(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> new_uncached_file(const std::string& path) override {
    return internal::open_posix_uncached(path);
  }
  Result<std::unique_ptr<MappedFile>> map_file(const std::string& path) override {
    return internal::map_posix_file(path);
  }
  Result<std::unique_ptr<FileLock>> lock_file(const std::string& path) override {
    return internal::lock_posix_file(path);
  }

  Status link_file(const std::string& from, const std::string& to) override {
    if (::unlink(to.c_str()) != 0 && errno != ENOENT) return posix_error("unlink " + to, errno);
    if (::link(from.c_str(), to.c_str()) != 0) {
      return posix_error("link " + from + " to " + to, errno);
    }
    return ok_status();
  }

  Status rename_file(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) == 0) return ok_status();
    return posix_error("rename " + from + " to " + to, errno);
  }

  Status remove_file(const std::string& path) override {
    if (::unlink(path.c_str()) == 0) return ok_status();
    return posix_error("remove " + path, errno);
  }

  bool file_exists(const std::string& path) override {
    struct stat st;
    return stat_path(path, &st) == 0;
  }

  bool is_directory(const std::string& path) override {
    struct stat st;
    return stat_path(path, &st) == 0 && S_ISDIR(st.st_mode);
  }

  Result<uint64_t> file_size(const std::string& path) override {
    struct stat st;
    int err = stat_path(path, &st);
    if (err != 0) return posix_error("stat " + path, err);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<FileType> file_type(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) return internal::file_type_of(st.st_mode);
    if (errno == ENOENT || errno == ENOTDIR) return FileType::kMissing;
    return posix_error("stat " + path, errno);
  }

  Result<double> modification_time(const std::string& path) override {
    struct stat st;
    int err = stat_path(path, &st);
    if (err != 0) return posix_error("stat " + path, err);
    return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9;
  }

  Status remove_directory(const std::string& dir) override {
    if (::rmdir(dir.c_str()) == 0) return ok_status();
    return posix_error("remove directory " + dir, errno);
  }

  Status exchange_paths(const std::string& a, const std::string& b) override {
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) {
      return ok_status();
    }
    if (errno == ENOSYS || errno == EINVAL) {
      return unimplemented_error("exchange " + a + " and " + b + ": not supported here");
    }
    return posix_error("exchange " + a + " and " + b, errno);
  }

  Result<std::string> resolve_beneath(const std::string& dir, const std::string& relative) override;
  Result<std::string> real_path(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& dir) override;
  Status create_directories(const std::string& dir) override;
  Status sync_directory(const std::string& dir) override;
};

// The spelling is checked by FileSystem::resolve_beneath; then each existing
// component that is a symbolic link must resolve inside the real `dir`.
// (A race that swaps a component for a link after this check is not
// covered; openat2's RESOLVE_BENEATH would need every caller to hold fds.)
Result<std::string> PosixFileSystem::resolve_beneath(const std::string& dir,
                                                     const std::string& relative) {
  CAIRN_ASSIGN_OR_RETURN(std::string path, FileSystem::resolve_beneath(dir, relative));
  CAIRN_ASSIGN_OR_RETURN(std::string root, realpath_of(dir.empty() ? "." : dir));
  const size_t first = join_path(dir, "x").size() - 1;  // where the relative part starts
  for (size_t end = path.find('/', first);; end = path.find('/', end + 1)) {
    const std::string at = path.substr(0, end);
    struct stat st;
    if (::lstat(at.c_str(), &st) != 0) {
      if (errno == ENOENT) break;  // created later, as a real file or directory
      return posix_error("stat " + at, errno);
    }
    if (S_ISLNK(st.st_mode)) {
      Result<std::string> target = realpath_of(at);
      if (!target.ok() || !path_within(*target, root)) {
        return failed_precondition_error(path + " leads outside " + dir + ": " + at +
                                         " is a symbolic link to " +
                                         (target.ok() ? *target : "a missing file") + ", and " +
                                         dir + " may only use paths inside it");
      }
    }
    if (end == std::string::npos) break;
  }
  return path;
}

// realpath(3) of the deepest ancestor that exists, then the rest as written
// (without "." and ".." steps: a missing directory has no links to resolve).
Result<std::string> PosixFileSystem::real_path(const std::string& path) {
  std::string existing = path.empty() ? "." : path, missing;
  while (true) {
    Result<std::string> real = realpath_of(existing);
    if (real.ok()) return FileSystem::real_path(join_path(*real, missing));
    if (real.status().code() != StatusCode::kNotFound || existing == "/" || existing == ".") {
      return real.status();
    }
    missing = join_path(basename(existing), missing);
    existing = dirname(existing);
  }
}

Result<std::vector<std::string>> PosixFileSystem::list_directory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return posix_error("list directory " + dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return posix_error("list directory " + dir, err);
  std::sort(names.begin(), names.end());
  return names;
}

Status PosixFileSystem::create_directories(const std::string& dir) {
  if (dir.empty() || is_directory(dir)) return ok_status();
  std::string parent = dirname(dir);
  if (parent != dir) CAIRN_RETURN_IF_ERROR(create_directories(parent));
  if (::mkdir(dir.c_str(), 0755) == 0) return ok_status();
  int err = errno;
  if (err == EEXIST && is_directory(dir)) return ok_status();  // a racing creator
  return posix_error("create directory " + dir, err);
}

Status PosixFileSystem::sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return posix_error("open directory " + dir, errno);
  int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (err != 0) return posix_error("fsync directory " + dir, err);
  return ok_status();
}

}  // namespace

FileSystem& default_file_system() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace cairn
