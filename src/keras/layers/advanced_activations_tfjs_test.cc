// The advanced activation layers and the activations that TensorFlow.js has,
// against TensorFlow.js through the layer oracle (layer_test_util.h). TF.js
// lacks some options, which the numeric gradient checks and the value tests
// in advanced_activations_test.cc and nn/activation_test.cc cover instead:
// ReLU's negative_slope and threshold, ELU's alpha other than 1, Softmax on
// an axis other than the last, and the activations exponential and
// leaky_relu.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "cairn/keras/layers/advanced_activations.h"
#include "cairn/keras/layers/dense.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

TEST(AdvancedActivationsTfjsTest, LayersMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  // TF.js trains no model without trainable weights: the SGD step is
  // compared for PReLU and for the Dense stack.
  const auto add = [&](LayerPtr layer, Shape shape, bool train_step = false) {
    cases.push_back(tfjs.add({.layers = {std::move(layer)},
                              .input_shape = std::move(shape),
                              .batch = 3,
                              .input_low = -3.0f,
                              .input_high = 3.0f,
                              .train_step = train_step}));
  };
  add(ReLU(), {2, 4});
  add(ReLU({.max_value = 0.5}), {6});
  add(LeakyReLU(), {6});
  add(LeakyReLU(0.05), {2, 3});
  add(ELU(), {6});
  add(Softmax(), {5});
  add(Softmax(), {3, 4});
  add(Softmax(2), {3, 4});  // the last axis, counted from the batch
  add(PReLU({.alpha_initializer = "random_uniform"}), {6}, /*train_step=*/true);
  add(PReLU({.alpha_initializer = "random_uniform", .shared_axes = {1}}), {3, 4},
      /*train_step=*/true);
  add(PReLU({.alpha_initializer = "random_uniform", .shared_axes = {1, 2}}), {2, 3, 4});
  // Behind a Dense layer: the gradient reaches a kernel through it.
  cases.push_back(
      tfjs.add({.layers = {Dense(4), ReLU({.max_value = 0.3}), Dense(2)}, .input_shape = {3}}));
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

TEST(AdvancedActivationsTfjsTest, DenseWithEachNewActivationMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  for (const std::string activation :
       {"gelu", "swish", "silu", "softplus", "softsign", "selu", "hard_sigmoid"}) {
    cases.push_back(tfjs.add({.layers = {Dense(4, {.activation = activation})},
                              .input_shape = {3},
                              .batch = 3,
                              .input_low = -3.0f,
                              .input_high = 3.0f,
                              .weight_scale = 1.5f}));
  }
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

}  // namespace
}  // namespace cairn::keras
