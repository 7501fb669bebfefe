// The layers that predate N-d models (Dense, Activation, Dropout, Flatten)
// against TensorFlow.js through the layer oracle (layer_test_util.h): every
// activation, with and without bias, a stack of them, and the inference pass
// of Dropout.
#include <gtest/gtest.h>

#include <string>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

TEST(LayersTfjsTest, DenseWithEveryActivationMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  for (const std::string activation : {"linear", "relu", "tanh", "sigmoid", "elu", "softmax"}) {
    for (bool use_bias : {true, false}) {
      cases.push_back(
          tfjs.add({.layers = {Dense(3, {.activation = activation, .use_bias = use_bias})},
                    .input_shape = {4},
                    .batch = 3}));
    }
  }
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

TEST(LayersTfjsTest, StackWithActivationFlattenAndInferenceDropoutMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  const size_t stack = tfjs.add(
      {.layers = {Flatten(), Dense(5), Activation("tanh"), Dense(2), Activation("softmax")},
       .input_shape = {2, 3}});
  // Dropout is the identity outside training; a train step would draw masks.
  const size_t dropout = tfjs.add({.layers = {Dense(4, {.activation = "relu"}), Dropout(0.5)},
                                   .input_shape = {3},
                                   .train_step = false});
  ASSERT_TRUE(tfjs.run());
  tfjs.expect_matches(stack);
  tfjs.expect_matches(dropout);
}

}  // namespace
}  // namespace cairn::keras
