// Variables and borrowed objects as trackables (trackable.h).
#include "cairn/checkpoint/trackable.h"

namespace cairn {
namespace {

class TrackedVariable : public Trackable {
 public:
  TrackedVariable(Tensor& tensor, std::string full_name)
      : tensor_(tensor), full_name_(std::move(full_name)) {}
  const void* identity() const override { return &tensor_; }
  std::vector<TrackableValue> values() override {
    return {{.full_name = full_name_, .tensor = &tensor_}};
  }

 private:
  Tensor& tensor_;
  std::string full_name_;
};

}  // namespace

int SavedObject::child(const std::string& name) const {
  for (const ObjectGraph::Child& c : graph.nodes[static_cast<size_t>(node_id)].children) {
    if (c.local_name == name) return c.node_id;
  }
  return -1;
}

TrackablePtr track_variable(Tensor& tensor, std::string full_name) {
  return std::make_shared<TrackedVariable>(tensor, std::move(full_name));
}

TrackablePtr borrow_trackable(Trackable& object) {
  return TrackablePtr(std::shared_ptr<void>(), &object);  // aliasing: owns nothing
}

}  // namespace cairn
