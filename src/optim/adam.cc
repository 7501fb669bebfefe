#include "optim/adam.h"

#include <cmath>

#include "optim/update_kernels.h"

namespace cairn::optim::internal {

Adam::Adam(OptimizerOptions options)
    : SlotOptimizer(options, {{"Adam", 0.0f}, {"Adam_1", 0.0f}},
                    {{"beta1_power", static_cast<float>(options.beta_1)},
                     {"beta2_power", static_cast<float>(options.beta_2)}}) {}

// TensorFlow's ApplyAdam (training_ops.cc), in float as TensorFlow computes it:
//   lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
//   m += (g - m) * (1 - beta1)          (= beta1 m + (1 - beta1) g)
//   v += (g^2 - v) * (1 - beta2)        (= beta2 v + (1 - beta2) g^2)
//   var -= lr_t * m / (sqrt(v) + epsilon)
void Adam::update(nn::Variable& var, std::span<nn::Variable> slots) {
  const auto lr = static_cast<float>(options_.learning_rate);
  const auto beta1 = static_cast<float>(options_.beta_1);
  const auto beta2 = static_cast<float>(options_.beta_2);
  const auto epsilon = static_cast<float>(options_.epsilon);
  const float lr_t = lr * std::sqrt(1.0f - non_slot(1)) / (1.0f - non_slot(0));
  adam_update(var.value.flat<float>(), slots[0].value.flat<float>(), slots[1].value.flat<float>(),
              std::as_const(var.gradient).flat<float>(), lr_t, 1.0f - beta1, 1.0f - beta2, epsilon);
}

// TensorFlow's AdamOptimizer._finish: beta1_power *= beta1, beta2_power *= beta2.
void Adam::finish_step() {
  non_slot(0) *= static_cast<float>(options_.beta_1);
  non_slot(1) *= static_cast<float>(options_.beta_2);
}

}  // namespace cairn::optim::internal
