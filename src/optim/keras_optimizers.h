// The tf.keras (OptimizerV2) optimizers: Adam, SGD (with momentum and
// Nesterov), RMSprop (plain, momentum, centered) and Adagrad, with Keras's
// slot names and TF 2's update kernels (ResourceApplyAdam,
// ResourceApplyKerasMomentum, ResourceApplyRMSProp/CenteredRMSProp,
// ResourceApplyAdagradV2). The step count is the optimizer's iterations().
#pragma once

#include "optim/slot_optimizer.h"

namespace cairn::optim::internal {

// Slots "m", "v". Bias correction from t = iterations() + 1.
class KerasAdam : public SlotOptimizer {
 public:
  explicit KerasAdam(OptimizerOptions options);
  std::string_view name() const override { return "Adam"; }

 protected:
  void update(nn::Variable& var, std::span<nn::Variable> slots) override;
};

// No slot without momentum; slot "momentum" with it.
class KerasSgd : public SlotOptimizer {
 public:
  explicit KerasSgd(OptimizerOptions options);
  std::string_view name() const override { return "SGD"; }
  // Without momentum.
  std::optional<float> plain_gradient_step() const override;

 protected:
  void update(nn::Variable& var, std::span<nn::Variable> slots) override;
};

// Slot "rms", then "momentum" when momentum > 0, then "mg" when centered.
class KerasRmsprop : public SlotOptimizer {
 public:
  explicit KerasRmsprop(OptimizerOptions options);
  std::string_view name() const override { return "RMSprop"; }

 protected:
  void update(nn::Variable& var, std::span<nn::Variable> slots) override;
};

// Slot "accumulator", starting at initial_accumulator_value.
class KerasAdagrad : public SlotOptimizer {
 public:
  explicit KerasAdagrad(OptimizerOptions options);
  std::string_view name() const override { return "Adagrad"; }

 protected:
  void update(nn::Variable& var, std::span<nn::Variable> slots) override;
};

}  // namespace cairn::optim::internal
