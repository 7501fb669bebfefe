// SlotOptimizer: the bookkeeping every TensorFlow 1.x optimizer shares, so
// each concrete optimizer is only its update rule.
//
// It creates, per trainable variable given to build(), one slot variable per
// SlotSpec named "<var>/<Slot>" (or "<var>/t_0/<Slot>"), plus the optimizer's
// non-slot variables (Adam's beta powers), and on each step calls update()
// for every trainable variable, then finish_step().
//
//   class Sgd : public SlotOptimizer {
//     Sgd(OptimizerOptions o) : SlotOptimizer(o, /*slots=*/{}) {}
//     void update(nn::Variable& var, std::span<nn::Variable> slots) override;
//   };
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "cairn/optim/optimizer.h"

namespace cairn::optim::internal {

// A float32 tensor's elements as one flat Eigen array (a view, no copy).
using FlatArray = Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64>;
using ConstFlatArray = Eigen::Map<const Eigen::ArrayXf, Eigen::Aligned64>;
FlatArray flat_array(Tensor& t);
ConstFlatArray flat_array(const Tensor& t);

// A float32 variable the optimizer owns: its name and initial value.
struct StateSpec {
  std::string name;  // slot suffix ("Adagrad") or non-slot name ("beta1_power")
  float initial_value = 0.0f;
};

class SlotOptimizer : public Optimizer {
 public:
  void build(const nn::VariableRefs& variables) override;
  void apply_gradients(const nn::VariableRefs& variables) override;
  nn::VariableRefs variables() override;
  std::vector<std::string> slot_names() const override;

 protected:
  // `slots` are created for each variable in this order; `non_slots` are
  // float32 scalars, created now.
  SlotOptimizer(OptimizerOptions options, std::vector<StateSpec> slots,
                std::vector<StateSpec> non_slots = {});

  // Updates `var.value` from `var.gradient`; `slots` follow the constructor's order.
  virtual void update(nn::Variable& var, std::span<nn::Variable> slots) = 0;
  // Runs once after every variable of a step was updated.
  virtual void finish_step() {}
  // The value of the i-th non-slot scalar.
  float& non_slot(size_t i) { return non_slots_[i].value.flat<float>()[0]; }

 private:
  std::string slot_name(const std::string& var, const std::string& slot) const;

  std::vector<StateSpec> slot_specs_;
  bool built_ = false;
  // All slots, grouped per variable in build() order; never resized after build().
  std::vector<nn::Variable> slots_;
  std::unordered_map<std::string, size_t> first_slot_;  // variable name -> index in slots_
  std::vector<nn::Variable> non_slots_;
};

}  // namespace cairn::optim::internal
