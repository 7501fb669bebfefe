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

DirectoryLock::DirectoryLock(const std::string& dir, const std::string& writer, FileSystem& fs,
                             ProcessGroup& group)
    : dir_(dir), fs_(fs), group_(group) {
  const std::string what = writer + " " + dir + ": the directory lock";
  run_and_agree(
      group,
      [&] {
        if (group.is_chief()) lock(writer);
      },
      what);
  if (group.size() == 1) return;
  std::string holder = group.is_chief() ? lock_holder_description() : "";
  group.broadcast(holder, 0, what);
  run_and_agree(
      group,
      [&] {
        if (!group.is_chief()) check_held_by(holder);
      },
      what);
}

void DirectoryLock::lock(const std::string& writer) {
  throw_if_error(fs_.create_directories(dir_));
  std::string path = join_path(dir_, kDirectoryLockName);
  Result<std::unique_ptr<FileLock>> lock = fs_.lock_file(path);
  if (!lock.ok()) {
    if (lock.status().code() != StatusCode::kFailedPrecondition) throw_if_error(lock.status());
    throw FailedPreconditionError(writer + " " + dir_ + " is being written by another trainer (" +
                                  holder_of(fs_, path) + "; lock file " + path +
                                  "). Only one trainer may write a directory at a time.");
  }
  lock_ = std::move(*lock);
  // Written in place (truncated, not replaced by a rename): the flock belongs
  // to this inode.
  auto file = value_or_throw(fs_.new_writable_file(path));
  throw_if_error(file->append(lock_holder_description() + "\n"));
  throw_if_error(file->close());
}

// A rank that finds another holder in the lock file does not see rank 0's
// directory (a disk that is not shared between the machines, a different
// mount): its shards would never meet rank 0's index.
void DirectoryLock::check_held_by(const std::string& holder) const {
  const std::string path = join_path(dir_, kDirectoryLockName);
  const std::string seen = holder_of(fs_, path);
  if (seen == holder) return;
  throw FailedPreconditionError("lock file " + path + " says \"" + seen + "\", but rank 0 (" +
                                holder + ") holds it: every rank must see the same directory " +
                                dir_ + " (a file system shared by all machines)");
}

std::vector<std::string> DirectoryLock::collect_leftovers() {
  std::vector<std::string> lines;
  run_and_agree(
      group_,
      [&] {
        if (!group_.is_chief()) return;
        for (const std::string& name : remove_stale_temporaries(dir_, fs_)) {
          lines.push_back("Removed " + name + ", left by an interrupted save.");
        }
        for (const LeftoverCheckpoint& leftover : remove_leftover_checkpoints(dir_, fs_)) {
          lines.push_back("Removed checkpoint " + leftover.prefix + ", " + leftover.why + ".");
        }
      },
      "collecting leftovers in " + dir_);
  return lines;
}

}  // namespace cairn
