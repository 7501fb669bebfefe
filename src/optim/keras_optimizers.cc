#include "optim/keras_optimizers.h"

#include <cmath>

#include "optim/update_kernels.h"

namespace cairn::optim::internal {

namespace {

std::vector<StateSpec> rmsprop_slots(const OptimizerOptions& o) {
  std::vector<StateSpec> slots{{"rms", 0.0f}};
  if (o.momentum > 0.0) slots.push_back({"momentum", 0.0f});
  if (o.centered) slots.push_back({"mg", 0.0f});
  return slots;
}

std::vector<StateSpec> sgd_slots(const OptimizerOptions& o) {
  if (o.momentum > 0.0) return {{"momentum", 0.0f}};
  return {};
}

}  // namespace

KerasAdam::KerasAdam(OptimizerOptions options)
    : SlotOptimizer(options, {{"m", 0.0f}, {"v", 0.0f}}) {}

// Keras Adam._resource_apply_dense with TF's ApplyAdam kernel:
//   t = iterations + 1;  lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m += (g - m) (1 - beta1);  v += (g^2 - v) (1 - beta2)
//   var -= lr_t m / (sqrt(v) + epsilon)
void KerasAdam::update(nn::Variable& var, std::span<nn::Variable> slots) {
  const auto beta1 = static_cast<float>(options_.beta_1);
  const auto beta2 = static_cast<float>(options_.beta_2);
  const auto epsilon = static_cast<float>(options_.epsilon);
  const auto step = static_cast<float>(iterations() + 1);
  const float beta1_power = std::pow(beta1, step), beta2_power = std::pow(beta2, step);
  const float lr_t = static_cast<float>(options_.learning_rate) * std::sqrt(1.0f - beta2_power) /
                     (1.0f - beta1_power);
  adam_update(var.value.flat<float>(), slots[0].value.flat<float>(), slots[1].value.flat<float>(),
              std::as_const(var.gradient).flat<float>(), lr_t, 1.0f - beta1, 1.0f - beta2, epsilon);
}

KerasSgd::KerasSgd(OptimizerOptions options) : SlotOptimizer(options, sgd_slots(options)) {}

// Without momentum: var -= lr g. With it (ResourceApplyKerasMomentum):
//   accum = momentum accum - lr g
//   var += accum                         (Nesterov: var += momentum accum - lr g)
void KerasSgd::update(nn::Variable& var, std::span<nn::Variable> slots) {
  const auto lr = static_cast<float>(options_.learning_rate);
  if (slots.empty()) {
    sgd_update(var.value.flat<float>(), std::as_const(var.gradient).flat<float>(), lr);
    return;
  }
  ConstFlatArray g = flat_array(std::as_const(var.gradient));
  const auto momentum = static_cast<float>(options_.momentum);
  FlatArray accum = flat_array(slots[0].value);
  accum = accum * momentum - lr * g;
  if (options_.nesterov) {
    flat_array(var.value) += accum * momentum - lr * g;
  } else {
    flat_array(var.value) += accum;
  }
}

std::optional<float> KerasSgd::plain_gradient_step() const {
  if (options_.momentum > 0.0) return std::nullopt;
  return static_cast<float>(options_.learning_rate);
}

KerasRmsprop::KerasRmsprop(OptimizerOptions options)
    : SlotOptimizer(options, rmsprop_slots(options)) {}

// Keras RMSprop._resource_apply_dense:
//   rms = rho rms + (1 - rho) g^2;  mg = rho mg + (1 - rho) g (centered)
//   denominator = rms - mg^2 (centered) or rms
//   no momentum:   var -= lr g / (sqrt(denominator) + epsilon)
//   with momentum: mom = momentum mom + lr g / sqrt(denominator + epsilon); var -= mom
void KerasRmsprop::update(nn::Variable& var, std::span<nn::Variable> slots) {
  const auto lr = static_cast<float>(options_.learning_rate);
  const auto rho = static_cast<float>(options_.rho);
  const auto epsilon = static_cast<float>(options_.epsilon);
  const bool has_momentum = options_.momentum > 0.0;
  ConstFlatArray g = flat_array(std::as_const(var.gradient));
  FlatArray rms = flat_array(slots[0].value);
  rms = rho * rms + (1.0f - rho) * g.square();
  Eigen::ArrayXf denominator = rms;
  if (options_.centered) {
    FlatArray mg = flat_array(slots[has_momentum ? 2 : 1].value);
    mg = rho * mg + (1.0f - rho) * g;
    denominator -= mg.square();
  }
  if (!has_momentum) {
    flat_array(var.value) -= lr * g / (denominator.sqrt() + epsilon);
    return;
  }
  FlatArray mom = flat_array(slots[1].value);
  mom = static_cast<float>(options_.momentum) * mom + lr * g / (denominator + epsilon).sqrt();
  flat_array(var.value) -= mom;
}

KerasAdagrad::KerasAdagrad(OptimizerOptions options)
    : SlotOptimizer(options,
                    {{"accumulator", static_cast<float>(options.initial_accumulator_value)}}) {}

// ResourceApplyAdagradV2: accum += g^2;  var -= lr g / (sqrt(accum) + epsilon)
void KerasAdagrad::update(nn::Variable& var, std::span<nn::Variable> slots) {
  const auto lr = static_cast<float>(options_.learning_rate);
  const auto epsilon = static_cast<float>(options_.epsilon);
  ConstFlatArray g = flat_array(std::as_const(var.gradient));
  FlatArray accum = flat_array(slots[0].value);
  accum += g.square();
  flat_array(var.value) -= lr * g / (accum.sqrt() + epsilon);
}

}  // namespace cairn::optim::internal
