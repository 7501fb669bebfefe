#include "keras/fit_directory_lock.h"

#include <map>
#include <mutex>

namespace cairn::keras::internal {
namespace {

struct Holder {
  const BaseModel* model = nullptr;
  std::weak_ptr<DirectoryLock> lock;
};

// A directory's key: its file system and its real path on it.
std::pair<const FileSystem*, std::string> key_of(FileSystem& fs, const std::string& dir) {
  Result<std::string> path = fs.real_path(dir);
  return {&fs, path.ok() ? *path : dir};
}

}  // namespace

std::shared_ptr<DirectoryLock> lock_fit_directory(const BaseModel& model, FileSystem& fs,
                                                  const std::string& dir,
                                                  const std::string& writer) {
  static std::mutex mu;
  static std::map<std::pair<const FileSystem*, std::string>, Holder> held;  // by directory
  std::lock_guard<std::mutex> guard(mu);
  Holder& holder = held[key_of(fs, dir)];
  if (std::shared_ptr<DirectoryLock> lock = holder.lock.lock(); lock && holder.model == &model) {
    return lock;  // another callback of the same fit
  }
  auto lock =
      std::make_shared<DirectoryLock>(dir, writer, fs);  // throws while another fit holds it
  (void)lock->collect_leftovers();  // what killed fits left; fit() logs nothing about it
  holder = {&model, lock};
  return lock;
}

}  // namespace cairn::keras::internal
