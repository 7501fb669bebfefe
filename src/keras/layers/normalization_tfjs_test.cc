// BatchNormalization and LayerNormalization against TensorFlow.js through the
// layer oracle (layer_test_util.h): inference with the moving statistics and
// one training step moving them by `momentum`; training mode with the batch's
// statistics (momentum 0 there, so the moving statistics after the step are
// the batch's biased moments whatever number of forward passes TF.js makes);
// 2-D and 4-D inputs. TF.js computes no gradients of a BatchNormalization or
// LayerNormalization without center or scale (its beta or gamma is null
// there): those options are checked by the numeric gradient checks of
// normalization_test.cc.
// Sequential trains on N-d outputs once Dense and the losses take them (part
// B of issue 16): until then the N-d cases compare the forward pass and the
// gradients, the flat ones the SGD step too.
#include <gtest/gtest.h>

#include <vector>

#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/normalization.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

TEST(NormalizationTfjsTest, BatchNormalizationMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  // Inference: the moving statistics normalize; the step moves them.
  cases.push_back(tfjs.add({.layers = {BatchNormalization()}, .input_shape = {3}}));
  cases.push_back(tfjs.add(
      {.layers = {BatchNormalization({.momentum = 0.5, .epsilon = 0.01})}, .input_shape = {4}}));
  cases.push_back(tfjs.add({.layers = {BatchNormalization({.momentum = 0.5, .epsilon = 0.01})},
                            .input_shape = {3, 4, 2},
                            .batch = 3}));
  // Training: the batch's mean and biased variance, over every position of a channel.
  for (const Shape& shape : {Shape{5}, Shape{3, 4, 2}, Shape{6, 3}}) {
    cases.push_back(tfjs.add({.layers = {BatchNormalization({.momentum = 0.0})},
                              .input_shape = shape,
                              .batch = 4,
                              .training = true}));
  }
  // Between Dense layers, so the gradients flow through it into a kernel.
  cases.push_back(tfjs.add({.layers = {Dense(6), BatchNormalization({.momentum = 0.0}), Dense(2)},
                            .input_shape = {3},
                            .batch = 5,
                            .training = true}));
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

TEST(NormalizationTfjsTest, LayerNormalizationMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  cases.push_back(tfjs.add({.layers = {LayerNormalization()}, .input_shape = {5}}));
  cases.push_back(tfjs.add(
      {.layers = {LayerNormalization({.epsilon = 1e-5})}, .input_shape = {3, 2, 4}, .batch = 3}));
  cases.push_back(tfjs.add({.layers = {Dense(4), LayerNormalization(), Dense(2)},
                            .input_shape = {3},
                            .training = true}));
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

}  // namespace
}  // namespace cairn::keras
