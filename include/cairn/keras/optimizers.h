// Optimizers for keras::Sequential::compile, as tf.keras.optimizers, with
// Keras's defaults. Pass one by name ("adam", "sgd", "rmsprop", "adagrad")
// or as a configured struct:
//
//   model.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
//   model.compile({.optimizer = keras::Adam{.learning_rate = 1e-4}, .loss = "mse"});
//
// Slots and the step count are saved by save_weights() and save() under
// Keras's names ("optimizer/iter", ".OPTIMIZER_SLOT/optimizer/m", "Adam/dense/kernel/m:0").
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "cairn/optim/optimizer.h"

namespace cairn::keras {

struct Adam {
  double learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7;
};
struct SGD {
  double learning_rate = 0.01, momentum = 0.0;
  bool nesterov = false;
};
struct RMSprop {
  double learning_rate = 0.001, rho = 0.9, momentum = 0.0, epsilon = 1e-7;
  bool centered = false;
};
struct Adagrad {
  double learning_rate = 0.001, initial_accumulator_value = 0.1, epsilon = 1e-7;
};

// One of the optimizers above; converts from a name or a struct.
class OptimizerSpec {
 public:
  OptimizerSpec(const char* name);         // NOLINT(google-explicit-constructor)
  OptimizerSpec(const std::string& name);  // NOLINT(google-explicit-constructor)
  template <class T, class = decltype(std::variant<Adam, SGD, RMSprop, Adagrad>(std::declval<T>()))>
  OptimizerSpec(T config) : config_(config) {}  // NOLINT(google-explicit-constructor)

  // "Adam", "SGD", "RMSprop", "Adagrad".
  std::string class_name() const;
  double learning_rate() const;
  // A fresh optimizer with these settings (no slots yet).
  std::unique_ptr<optim::Optimizer> make() const;
  // Keras's optimizer config: {"class_name": "Adam", "config": {"name": "Adam", ...}}.
  nlohmann::ordered_json to_json() const;
  // From such a config (also Keras 1/2.1/3 spellings); throws InvalidArgumentError
  // for an optimizer cairn does not have.
  static OptimizerSpec from_json(const nlohmann::ordered_json& json);

 private:
  std::variant<Adam, SGD, RMSprop, Adagrad> config_;
};

}  // namespace cairn::keras
