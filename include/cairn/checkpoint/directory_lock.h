// DirectoryLock: one writer per checkpoint directory. Estimator::train holds
// it on its model_dir, Keras's ModelCheckpoint and BackupAndRestore on the
// directory they write, for the whole fit.
//
//   cairn::DirectoryLock lock("models/iris", "train: model_dir");
//   for (const std::string& line : lock.collect_leftovers()) log(line);
//   // ... save checkpoints; the lock is released when `lock` is destroyed
//
// The lock is flock(2) on the hidden file DIR/.cairn.lock; the holder writes
// "pid PID on HOST" into it so that a second writer can say who is in the
// way. The kernel drops a flock when its process dies, so a lock file left
// by a killed writer never blocks. Readers (evaluate, predict, inspect,
// verify, load_weights) take no lock.
//
// In a group of processes (core/process_group.h) every rank constructs the
// lock with the group: rank 0 takes it, and every rank learns the outcome,
// so a second job on the same directory is refused on each of its ranks,
// naming the holder. The other ranks then check that the lock file names
// their rank 0 (a rank that sees another file, say on a disk that is not
// shared, is an error on every rank). collect_leftovers() runs on rank 0
// alone while the others wait for it.
//
//   cairn::DirectoryLock lock(model_dir, "train: model_dir", fs, group);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/core/process_group.h"
#include "cairn/io/file_system.h"

namespace cairn {

inline constexpr char kDirectoryLockName[] = ".cairn.lock";

class DirectoryLock {
 public:
  // Creates `dir` if needed and locks it. `writer` starts error messages
  // ("train: model_dir", "ModelCheckpoint: directory"). Throws
  // FailedPreconditionError naming the holder ("pid 123 on host h") when
  // another writer, in this process or another, holds the lock. In a group,
  // a collective on every rank (see above); `group` must outlive the lock.
  DirectoryLock(const std::string& dir, const std::string& writer,
                FileSystem& fs = default_file_system(), ProcessGroup& group = single_process());

  // What killed writers left in the directory, removed now that no other
  // writer can be running: temporaries of interrupted saves
  // (stale_temporaries.h) and leftover checkpoints of interrupted retention
  // (leftover_checkpoints.h). Returns one line per removal, for the log.
  // In a group: a collective; rank 0 removes and returns the lines, the
  // others return none once it is done.
  std::vector<std::string> collect_leftovers();

 private:
  void lock(const std::string& writer);
  // On ranks other than 0: `holder` (rank 0's) is what the lock file says.
  void check_held_by(const std::string& holder) const;

  std::string dir_;
  FileSystem& fs_;
  ProcessGroup& group_;
  std::unique_ptr<FileLock> lock_;
};

// "pid PID on HOST" of this process, as written into the lock file.
std::string lock_holder_description();

}  // namespace cairn
