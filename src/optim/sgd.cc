#include "optim/sgd.h"

#include "optim/update_kernels.h"

namespace cairn::optim::internal {

// TensorFlow's ApplyGradientDescent (training_ops.cc):
//   var -= lr * g
void Sgd::update(nn::Variable& var, std::span<nn::Variable> /*slots*/) {
  const auto lr = static_cast<float>(options_.learning_rate);
  sgd_update(var.value.flat<float>(), std::as_const(var.gradient).flat<float>(), lr);
}

}  // namespace cairn::optim::internal
