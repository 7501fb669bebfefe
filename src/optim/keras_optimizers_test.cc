// The Keras flavours against their update rules, with expected values
// computed in float32 by an independent NumPy transcription of TF 2's kernels.
#include <gtest/gtest.h>

#include "cairn/optim/optimizer.h"
#include "optim/optimizer_test_util.h"

namespace cairn::optim {
namespace {

using testing::expect_values_near;
using testing::make_variable;
using testing::names;

// Runs two steps of `opt` on w = [1, 2] with gradient [0.1, -0.2].
nn::Variable two_steps(Optimizer& opt) {
  nn::Variable w = make_variable("dense/kernel", {1.0f, 2.0f}, {0.1f, -0.2f});
  opt.build({&w});
  opt.apply_gradients({&w});
  opt.apply_gradients({&w});
  return w;
}

// BatchNormalization's moving statistics are non-trainable variables beside
// the trainable ones: no Keras optimizer may move them or give them slots.
TEST(KerasOptimizersTest, NonTrainableVariablesAreNeitherUpdatedNorSlotted) {
  for (const char* name : {"Adam", "SGD", "RMSprop", "Adagrad"}) {
    for (double momentum : {0.0, 0.9}) {
      nn::Variable w = make_variable("bn/gamma", {1.0f}, {0.5f});
      nn::Variable moving = make_variable("bn/moving_mean", {1.0f}, {0.5f});
      moving.trainable = false;
      auto opt = make_keras_optimizer(name, {.learning_rate = 0.1, .momentum = momentum});
      opt->build({&w, &moving});
      opt->apply_gradients({&w, &moving});
      EXPECT_NE(w.value.flat<float>()[0], 1.0f) << name;
      EXPECT_EQ(moving.value.flat<float>()[0], 1.0f) << name;
      for (nn::Variable* slot : opt->variables()) {
        EXPECT_EQ(slot->name.find("moving_mean"), std::string::npos) << name << " " << slot->name;
      }
    }
  }
}

TEST(KerasOptimizersTest, AdamBiasCorrectionFromIterations) {
  auto opt = make_keras_optimizer("adam", {.learning_rate = 0.1, .epsilon = 1e-7});
  nn::Variable w = two_steps(*opt);
  EXPECT_EQ(opt->iterations(), 2);
  expect_values_near(w.value, {0.80000573, 2.199997}, 3e-6);
  nn::VariableRefs slots = opt->variables();
  ASSERT_EQ(names(slots), (std::vector<std::string>{"dense/kernel/m", "dense/kernel/v"}));
  expect_values_near(slots[0]->value, {0.019, -0.038});
  expect_values_near(slots[1]->value, {1.9989744e-05, 7.9958976e-05}, 1e-10);
}

TEST(KerasOptimizersTest, AdamResumedFromIterationsMatchesUninterrupted) {
  auto a = make_keras_optimizer("Adam", {.learning_rate = 0.1, .epsilon = 1e-7});
  nn::Variable wa = two_steps(*a);
  // A second optimizer restored after one step: the step count drives bias correction.
  auto b = make_keras_optimizer("Adam", {.learning_rate = 0.1, .epsilon = 1e-7});
  nn::Variable wb = make_variable("dense/kernel", {1.0f, 2.0f}, {0.1f, -0.2f});
  b->build({&wb});
  b->apply_gradients({&wb});
  auto c = make_keras_optimizer("Adam", {.learning_rate = 0.1, .epsilon = 1e-7});
  c->build({&wb});
  for (size_t i = 0; i < 2; ++i) c->variables()[i]->value = b->variables()[i]->value;
  c->set_iterations(b->iterations());
  c->apply_gradients({&wb});
  EXPECT_EQ(wa.value.flat<float>()[0], wb.value.flat<float>()[0]);
  EXPECT_EQ(wa.value.flat<float>()[1], wb.value.flat<float>()[1]);
}

TEST(KerasOptimizersTest, SgdPlainHasNoSlots) {
  auto opt = make_keras_optimizer("SGD", {.learning_rate = 0.1});
  nn::Variable w = two_steps(*opt);
  EXPECT_TRUE(opt->variables().empty());
  expect_values_near(w.value, {0.98, 2.04});
}

TEST(KerasOptimizersTest, SgdMomentumAndNesterov) {
  auto heavy = make_keras_optimizer("sgd", {.learning_rate = 0.1, .momentum = 0.9});
  expect_values_near(two_steps(*heavy).value, {0.971, 2.058});
  EXPECT_EQ(names(heavy->variables()), (std::vector<std::string>{"dense/kernel/momentum"}));
  auto nesterov =
      make_keras_optimizer("sgd", {.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
  expect_values_near(two_steps(*nesterov).value, {0.9539, 2.0922});
}

TEST(KerasOptimizersTest, RmspropPlain) {
  auto opt = make_keras_optimizer("RMSprop", {.learning_rate = 0.01, .epsilon = 1e-7});
  nn::Variable w = two_steps(*opt);
  expect_values_near(w.value, {0.9454358, 2.0545642});
  EXPECT_EQ(opt->slot_names(), (std::vector<std::string>{"rms"}));
}

TEST(KerasOptimizersTest, RmspropCenteredWithMomentum) {
  auto opt = make_keras_optimizer(
      "rmsprop", {.learning_rate = 0.01, .epsilon = 1e-7, .momentum = 0.5, .centered = true});
  nn::Variable w = two_steps(*opt);
  expect_values_near(w.value, {0.924513, 2.0754898}, 3e-6);
  EXPECT_EQ(opt->slot_names(), (std::vector<std::string>{"rms", "momentum", "mg"}));
}

TEST(KerasOptimizersTest, AdagradAccumulatorStartsAtInitialValue) {
  auto opt = make_keras_optimizer(
      "Adagrad", {.learning_rate = 0.01, .initial_accumulator_value = 0.1, .epsilon = 1e-7});
  nn::Variable w = two_steps(*opt);
  expect_values_near(w.value, {0.9940981, 2.010059});
  expect_values_near(opt->variables()[0]->value, {0.12, 0.18});
}

TEST(KerasOptimizersTest, UnknownNameIsNull) {
  EXPECT_EQ(make_keras_optimizer("Ftrl", {}), nullptr);
}

}  // namespace
}  // namespace cairn::optim
