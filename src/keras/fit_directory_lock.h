// Internal to keras: the lock of a directory that fit() writes
// (checkpoint/directory_lock.h), shared by the callbacks of one model.
//
//   std::shared_ptr<DirectoryLock> lock = internal::lock_fit_directory(
//       model(), model().file_system(), "training_1", "ModelCheckpoint: directory");
//
// Two callbacks of one fit (a ModelCheckpoint for the best .h5 and one for
// the last weights, say) may write one directory; the fit of another model,
// in this process or another, fails with FailedPreconditionError naming the
// holder.
#pragma once

#include <memory>
#include <string>

#include "cairn/checkpoint/directory_lock.h"

namespace cairn::keras {
class BaseModel;
}

namespace cairn::keras::internal {

// The lock of `dir` on `fs` (a directory of one file system is not that of another).
std::shared_ptr<DirectoryLock> lock_fit_directory(const BaseModel& model, FileSystem& fs,
                                                  const std::string& dir,
                                                  const std::string& writer);

}  // namespace cairn::keras::internal
