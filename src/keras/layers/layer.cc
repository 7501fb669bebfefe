#include "cairn/keras/layers/layer.h"

#include <map>
#include <mutex>

#include "cairn/core/errors.h"

namespace cairn::keras {

namespace {

std::mutex& counters_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, int>& name_counters() {
  static std::map<std::string, int> counters;
  return counters;
}

// The counters of this thread's innermost FreshLayerNames, or nullptr.
thread_local std::map<std::string, int>* fresh_counters = nullptr;

std::string numbered_name(const std::string& base, int n) {
  return n == 0 ? base : base + "_" + std::to_string(n);
}

}  // namespace

std::string unique_layer_name(const std::string& base) {
  if (fresh_counters != nullptr) return numbered_name(base, (*fresh_counters)[base]++);
  std::lock_guard lock(counters_mutex());
  return numbered_name(base, name_counters()[base]++);
}

FreshLayerNames::FreshLayerNames() : outer_(fresh_counters) { fresh_counters = &counters_; }

FreshLayerNames::~FreshLayerNames() { fresh_counters = outer_; }

void clear_session() {
  std::lock_guard lock(counters_mutex());
  name_counters().clear();
}

Layer::Layer(const std::string& base, std::string name, std::optional<Shape> input_shape)
    : name_(name.empty() ? unique_layer_name(base) : std::move(name)),
      input_shape_(std::move(input_shape)) {}

const nn::Matrix& Layer::last_preactivation() const {
  throw InternalError("layer '" + name_ + "' has no pre-activation");
}

int64_t Layer::count_params() {
  int64_t n = 0;
  for (const nn::Variable* w : weights()) n += w->value.num_elements();
  return n;
}

std::string Layer::weight_path(const nn::Variable& w) const {
  const std::string last = w.name.substr(w.name.rfind('/') + 1);
  return last.substr(0, last.rfind(':'));
}

Shape Layer::set_built(Shape output_shape) {
  built_ = true;
  output_shape_ = std::move(output_shape);
  return output_shape_;
}

Json Layer::base_config() const {
  Json config{{"name", name_}, {"trainable", true}};
  if (input_shape_) {
    Json shape = Json::array({nullptr});
    for (int64_t d : *input_shape_) shape.push_back(d);
    config["batch_input_shape"] = std::move(shape);
  }
  config["dtype"] = "float32";
  return config;
}

}  // namespace cairn::keras
