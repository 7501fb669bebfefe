// Reshape, Permute, RepeatVector, Flatten on N-d inputs and Dense on N-d
// inputs (the last axis) against TensorFlow.js through the layer oracle
// (layer_test_util.h), alone and between layers with weights.
#include <gtest/gtest.h>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/reshape.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

TEST(ReshapeTfjsTest, RearrangingLayersMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  const size_t cases[] = {
      tfjs.add({.layers = {Reshape({3, -1})}, .input_shape = {12}, .train_step = false}),
      tfjs.add({.layers = {Reshape({2, 2, 3})}, .input_shape = {3, 4}, .train_step = false}),
      tfjs.add({.layers = {Permute({2, 1})}, .input_shape = {3, 4}, .train_step = false}),
      tfjs.add({.layers = {Permute({3, 1, 2})}, .input_shape = {2, 3, 4}, .train_step = false}),
      tfjs.add({.layers = {RepeatVector(3)}, .input_shape = {4}, .train_step = false}),
      tfjs.add({.layers = {Flatten()}, .input_shape = {2, 3, 2}, .train_step = false}),
      tfjs.add({.layers = {Dense(6, {.activation = "tanh"}), Reshape({3, 2}), Permute({2, 1}),
                           Dense(2), Flatten(), RepeatVector(2), Dense(1)},
                .input_shape = {4}}),
  };
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

TEST(ReshapeTfjsTest, DenseOnNdInputsMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  for (const std::string activation : {"linear", "relu", "tanh", "sigmoid", "softmax"}) {
    for (bool use_bias : {true, false}) {
      cases.push_back(
          tfjs.add({.layers = {Dense(3, {.activation = activation, .use_bias = use_bias})},
                    .input_shape = {4, 2}}));
    }
  }
  cases.push_back(
      tfjs.add({.layers = {Dense(2, {.activation = "relu"}), Dense(3)}, .input_shape = {2, 3, 4}}));
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

}  // namespace
}  // namespace cairn::keras
