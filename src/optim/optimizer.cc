#include "cairn/optim/optimizer.h"

#include <string>

#include "cairn/core/strings.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/ftrl.h"
#include "optim/keras_optimizers.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"

namespace cairn::optim {
std::unique_ptr<Optimizer> make_optimizer(std::string_view name, OptimizerOptions options) {
  const std::string key = lower(name);
  if (key == "adagrad") return std::make_unique<internal::Adagrad>(options);
  if (key == "sgd" || key == "gradientdescent") return std::make_unique<internal::Sgd>(options);
  if (key == "adam") return std::make_unique<internal::Adam>(options);
  if (key == "rmsprop") return std::make_unique<internal::RmsProp>(options);
  if (key == "ftrl") return std::make_unique<internal::Ftrl>(options);
  return nullptr;
}

std::unique_ptr<Optimizer> make_keras_optimizer(std::string_view name, OptimizerOptions options) {
  const std::string key = lower(name);
  if (key == "adam") return std::make_unique<internal::KerasAdam>(options);
  if (key == "sgd") return std::make_unique<internal::KerasSgd>(options);
  if (key == "rmsprop") return std::make_unique<internal::KerasRmsprop>(options);
  if (key == "adagrad") return std::make_unique<internal::KerasAdagrad>(options);
  return nullptr;
}

}  // namespace cairn::optim
