// SpatialDropout1D and GaussianNoise against TensorFlow.js in inference
// (identity: forward, and the gradients through them); their
// training statistics are tested in noise_test.cc. TF.js has no
// SpatialDropout2D.
#include <gtest/gtest.h>

#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/noise.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

TEST(NoiseTfjsTest, InferenceMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  const size_t spatial =
      tfjs.add({.layers = {SpatialDropout1D(0.3)}, .input_shape = {4, 2}, .train_step = false});
  const size_t noise =
      tfjs.add({.layers = {Dense(3), GaussianNoise(0.2)}, .input_shape = {4}, .train_step = false});
  ASSERT_TRUE(tfjs.run());
  tfjs.expect_matches(spatial);
  tfjs.expect_matches(noise);
}

}  // namespace
}  // namespace cairn::keras
