// Plain gradient descent, TensorFlow 1.x's GradientDescentOptimizer. No slots.
#pragma once

#include "optim/slot_optimizer.h"

namespace cairn::optim::internal {

class Sgd : public SlotOptimizer {
 public:
  explicit Sgd(OptimizerOptions options) : SlotOptimizer(options, /*slots=*/{}) {}
  std::string_view name() const override { return "SGD"; }
  std::optional<float> plain_gradient_step() const override {
    return static_cast<float>(options_.learning_rate);
  }

 protected:
  void update(nn::Variable& var, std::span<nn::Variable> slots) override;
};

}  // namespace cairn::optim::internal
