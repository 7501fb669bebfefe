#include "cairn/core/errors.h"
#include "cairn/keras/base_model.h"
#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras {

void Logs::set(const std::string& name, double value) {
  for (auto& [key, v] : items_) {
    if (key == name) {
      v = value;
      return;
    }
  }
  items_.emplace_back(name, value);
}

std::optional<double> Logs::find(const std::string& name) const {
  for (const auto& [key, v] : items_) {
    if (key == name) return v;
  }
  return std::nullopt;
}

double Logs::get(const std::string& name) const {
  if (std::optional<double> v = find(name)) return *v;
  std::string present;
  for (const auto& [key, v] : items_) present += (present.empty() ? "" : ", ") + key;
  throw NotFoundError("no metric '" + name + "' in the logs (have: " + present + ")");
}

BaseModel& Callback::model() const {
  if (model_ == nullptr) throw FailedPreconditionError("callback used outside fit()");
  return *model_;
}

FileSystem& Callback::file_system(FileSystem* chosen) const {
  return chosen != nullptr ? *chosen : model().file_system();
}

}  // namespace cairn::keras
