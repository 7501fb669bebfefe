#include "keras/fit_directory_lock.h"

#include <filesystem>
#include <map>
#include <mutex>

namespace cairn::keras::internal {
namespace {

struct Holder {
  const Sequential* model = nullptr;
  std::weak_ptr<DirectoryLock> lock;
};

std::string key_of(const std::string& dir) {
  std::error_code error;
  std::filesystem::path path = std::filesystem::absolute(dir, error);
  return error ? dir : path.lexically_normal().string();
}

}  // namespace

std::shared_ptr<DirectoryLock> lock_fit_directory(const Sequential& model, const std::string& dir,
                                                  const std::string& writer) {
  static std::mutex mu;
  static std::map<std::string, Holder> held;  // by directory
  std::lock_guard<std::mutex> guard(mu);
  Holder& holder = held[key_of(dir)];
  if (std::shared_ptr<DirectoryLock> lock = holder.lock.lock(); lock && holder.model == &model) {
    return lock;  // another callback of the same fit
  }
  auto lock = std::make_shared<DirectoryLock>(dir, writer);  // throws while another fit holds it
  (void)lock->collect_leftovers();  // what killed fits left; fit() logs nothing about it
  holder = {&model, lock};
  return lock;
}

}  // namespace cairn::keras::internal
