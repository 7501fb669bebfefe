// Optimizer: updates trainable variables from their gradients, keeping its
// state (slots such as Adagrad's accumulators, and non-slot variables such as
// Adam's beta powers) as named variables so checkpoints save and restore it.
//
// Slot names follow TensorFlow 1.x: "<variable>/<Slot>" (e.g.
// "dense/kernel/Adam_1"), or "<variable>/t_0/<Slot>" when
// `partitioned_slot_names` is set, as TF 1.x canned Estimators wrote them
// ("dnn/hiddenlayer_0/kernel/t_0/Adagrad").
//
//   auto opt = cairn::optim::make_optimizer("Adagrad", {.learning_rate = 0.05});
//   opt->build(model_variables);          // creates the slots
//   ... backward() fills each variable's gradient ...
//   opt->apply_gradients(model_variables);
//   for (cairn::nn::Variable* v : opt->variables()) save(v->name, v->value);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/nn/variable.h"

namespace cairn::optim {

struct OptimizerOptions {
  double learning_rate = 0.001;
  bool partitioned_slot_names = false;  // "<var>/t_0/<Slot>" instead of "<var>/<Slot>"
  // Adagrad and FTRL: initial accumulator (TensorFlow: 0.1).
  double initial_accumulator_value = 0.1;
  // Adam.
  double beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-8;
  // RMSprop (TF 1.x defaults: decay 0.9, momentum 0, epsilon 1e-10).
  double rho = 0.9, momentum = 0.0, rms_epsilon = 1e-10;
  // FTRL.
  double learning_rate_power = -0.5, l1 = 0.0, l2 = 0.0;
  // Keras flavours only (make_keras_optimizer): SGD's Nesterov momentum and
  // RMSprop's centered variant.
  bool nesterov = false, centered = false;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // "Adagrad", "SGD", "Adam", "RMSProp", "Ftrl".
  virtual std::string_view name() const = 0;
  // Creates the slots for these variables (trainable ones only), with their
  // initial values. Call once, before apply_gradients or restoring slots.
  virtual void build(const nn::VariableRefs& variables) = 0;
  // One update step from each trainable variable's gradient.
  virtual void apply_gradients(const nn::VariableRefs& variables) = 0;
  // Slot and non-slot variables, with checkpoint names, in a stable order:
  // each built variable's slots (in build() order), then the non-slot
  // variables. The pointers stay valid for the optimizer's lifetime.
  virtual nn::VariableRefs variables() = 0;
  const OptimizerOptions& options() const { return options_; }

  // Completed apply_gradients() calls (Keras's `iterations`, saved as "iter").
  int64_t iterations() const { return iterations_; }
  void set_iterations(int64_t n) { iterations_ = n; }

  // The slot names created per variable, in order (e.g. {"m", "v"}).
  virtual std::vector<std::string> slot_names() const = 0;

  // For plain gradient descent (every update is value -= rate · gradient, with
  // no slots or state), the rate: a layer may then apply the step itself while
  // it computes the gradient (keras::Sequential::fit fuses it into Dense's
  // products), and apply_gradients() is given only the other variables.
  // nullopt for every other optimizer.
  virtual std::optional<float> plain_gradient_step() const { return std::nullopt; }

 protected:
  explicit Optimizer(OptimizerOptions options) : options_(options) {}
  OptimizerOptions options_;
  int64_t iterations_ = 0;
};

// `name` as accepted by TensorFlow's estimators, case-insensitive:
// "Adagrad", "SGD", "Adam", "RMSProp", "Ftrl". nullptr for an unknown name.
std::unique_ptr<Optimizer> make_optimizer(std::string_view name, OptimizerOptions options);

// tf.keras (OptimizerV2) flavours of "Adam", "SGD", "RMSprop" and "Adagrad":
// slots named as Keras names them ("<var>/m", "<var>/v", "<var>/momentum",
// "<var>/rms", "<var>/mg", "<var>/accumulator"), no non-slot variables (the
// step count is iterations()), and TF 2's update rules. Callers pass Keras's
// defaults (epsilon 1e-7). nullptr for another name.
std::unique_ptr<Optimizer> make_keras_optimizer(std::string_view name, OptimizerOptions options);

}  // namespace cairn::optim
