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
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/io/file_system.h"

namespace cairn {

inline constexpr char kDirectoryLockName[] = ".cairn.lock";

class DirectoryLock {
 public:
  // Creates `dir` if needed and locks it. `writer` starts error messages
  // ("train: model_dir", "ModelCheckpoint: directory"). Throws
  // FailedPreconditionError naming the holder ("pid 123 on host h") when
  // another writer, in this process or another, holds the lock.
  DirectoryLock(const std::string& dir, const std::string& writer,
                FileSystem& fs = default_file_system());

  // What killed writers left in the directory, removed now that no other
  // writer can be running: temporaries of interrupted saves
  // (stale_temporaries.h) and leftover checkpoints of interrupted retention
  // (leftover_checkpoints.h). Returns one line per removal, for the log.
  std::vector<std::string> collect_leftovers();

 private:
  std::string dir_;
  FileSystem& fs_;
  std::unique_ptr<FileLock> lock_;
};

// "pid PID on HOST" of this process, as written into the lock file.
std::string lock_holder_description();

}  // namespace cairn
