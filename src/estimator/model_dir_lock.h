// Internal to the estimator layer: the lock that makes Estimator::train the
// only writer of its model directory.
//
// The lock is flock(2) on the hidden file MODEL_DIR/.cairn.lock, taken for
// the whole train call; the holder writes "pid PID on HOST" into it so that
// a second trainer can say who is in the way. The kernel drops a flock when
// its process dies, so a lock file left by a killed trainer never blocks.
// Readers (evaluate, predict, inspect, verify) take no lock.
#pragma once

#include <memory>
#include <string>

#include "cairn/io/file_system.h"

namespace cairn::estimator::internal {

inline constexpr char kModelDirLockName[] = ".cairn.lock";

class ModelDirLock {
 public:
  // Creates `model_dir` if needed and locks it. Throws
  // FailedPreconditionError naming the holder ("pid 123 on host h") when
  // another trainer, in this process or another, holds the lock.
  explicit ModelDirLock(const std::string& model_dir, FileSystem& fs = default_file_system());

 private:
  std::unique_ptr<FileLock> lock_;
};

// "pid PID on HOST" of this process, as written into the lock file.
std::string lock_holder_description();

}  // namespace cairn::estimator::internal
