#include "cairn/checkpoint/directory_lock.h"

#include <unistd.h>

#include "cairn/checkpoint/leftover_checkpoints.h"
#include "cairn/checkpoint/stale_temporaries.h"
#include "cairn/core/errors.h"

namespace cairn {
namespace {

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// Who holds the lock at `path`, from what the holder wrote there. The holder
// writes right after locking, so an empty file means "just taken".
std::string holder_of(FileSystem& fs, const std::string& path) {
  Result<std::string> text = fs.read_file(path);
  if (!text.ok() || text->empty()) return "a process that has not yet written its pid";
  std::string line = text->substr(0, text->find('\n'));
  return line.size() > 200 ? line.substr(0, 200) : line;
}

}  // namespace

std::string lock_holder_description() {
  return "pid " + std::to_string(getpid()) + " on " + hostname();
}

DirectoryLock::DirectoryLock(const std::string& dir, const std::string& writer, FileSystem& fs)
    : dir_(dir), fs_(fs) {
  throw_if_error(fs.create_directories(dir));
  std::string path = join_path(dir, kDirectoryLockName);
  Result<std::unique_ptr<FileLock>> lock = fs.lock_file(path);
  if (!lock.ok()) {
    if (lock.status().code() != StatusCode::kFailedPrecondition) throw_if_error(lock.status());
    throw FailedPreconditionError(writer + " " + dir + " is being written by another trainer (" +
                                  holder_of(fs, path) + "; lock file " + path +
                                  "). Only one trainer may write a directory at a time.");
  }
  lock_ = std::move(*lock);
  // Written in place (truncated, not replaced by a rename): the flock belongs
  // to this inode.
  auto file = value_or_throw(fs.new_writable_file(path));
  throw_if_error(file->append(lock_holder_description() + "\n"));
  throw_if_error(file->close());
}

std::vector<std::string> DirectoryLock::collect_leftovers() {
  std::vector<std::string> lines;
  for (const std::string& name : remove_stale_temporaries(dir_, fs_)) {
    lines.push_back("Removed " + name + ", left by an interrupted save.");
  }
  for (const LeftoverCheckpoint& leftover : remove_leftover_checkpoints(dir_, fs_)) {
    lines.push_back("Removed checkpoint " + leftover.prefix + ", " + leftover.why + ".");
  }
  return lines;
}

}  // namespace cairn
