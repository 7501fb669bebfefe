#include "optim/slot_optimizer.h"

#include <cassert>
#include <utility>

#include "optim/flush_denormals.h"

namespace cairn::optim::internal {

FlatArray flat_array(Tensor& t) {
  std::span<float> f = t.flat<float>();
  return FlatArray(f.data(), static_cast<Eigen::Index>(f.size()));
}

ConstFlatArray flat_array(const Tensor& t) {
  std::span<const float> f = t.flat<float>();
  return ConstFlatArray(f.data(), static_cast<Eigen::Index>(f.size()));
}

namespace {

nn::Variable make_state(std::string name, const TensorShape& shape, float initial_value) {
  Tensor value(DType::kFloat32, shape);
  flat_array(value).setConstant(initial_value);
  return nn::Variable{
      .name = std::move(name), .value = std::move(value), .trainable = false, .gradient = Tensor()};
}

}  // namespace

SlotOptimizer::SlotOptimizer(OptimizerOptions options, std::vector<StateSpec> slots,
                             std::vector<StateSpec> non_slots)
    : Optimizer(options), slot_specs_(std::move(slots)) {
  for (StateSpec& spec : non_slots) {
    non_slots_.push_back(make_state(std::move(spec.name), TensorShape{}, spec.initial_value));
  }
}

std::string SlotOptimizer::slot_name(const std::string& var, const std::string& slot) const {
  // TF 1.x canned estimators partitioned their variables, so slots carry "/t_0".
  return var + (options_.partitioned_slot_names ? "/t_0/" : "/") + slot;
}

void SlotOptimizer::build(const nn::VariableRefs& variables) {
  assert(!built_ && "build() is called once");
  built_ = true;
  for (const nn::Variable* var : variables) {
    if (!var->trainable) continue;
    assert(var->value.dtype() == DType::kFloat32);
    auto [it, inserted] = first_slot_.emplace(var->name, slots_.size());
    assert(inserted && "a variable given twice to build()");
    if (!inserted) continue;
    for (const StateSpec& spec : slot_specs_) {
      slots_.push_back(
          make_state(slot_name(var->name, spec.name), var->value.shape(), spec.initial_value));
    }
  }
}

void SlotOptimizer::apply_gradients(const nn::VariableRefs& variables) {
  assert(built_ && "build() before apply_gradients()");
  FlushDenormals flush;  // as TensorFlow's ops run: see flush_denormals.h
  for (nn::Variable* var : variables) {
    if (!var->trainable) continue;
    auto it = first_slot_.find(var->name);
    assert(it != first_slot_.end() && "apply_gradients() on a variable build() did not see");
    if (it == first_slot_.end()) continue;  // release builds: leave it untouched
    assert(var->gradient.shape() == var->value.shape() && "gradient not filled");
    if (!(var->gradient.shape() == var->value.shape())) continue;
    update(*var, std::span<nn::Variable>(slots_).subspan(it->second, slot_specs_.size()));
  }
  finish_step();
  ++iterations_;
}

std::vector<std::string> SlotOptimizer::slot_names() const {
  std::vector<std::string> names;
  for (const StateSpec& spec : slot_specs_) names.push_back(spec.name);
  return names;
}

nn::VariableRefs SlotOptimizer::variables() {
  nn::VariableRefs refs;
  for (nn::Variable& slot : slots_) refs.push_back(&slot);
  for (nn::Variable& v : non_slots_) refs.push_back(&v);
  return refs;
}

}  // namespace cairn::optim::internal
