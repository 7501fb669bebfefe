// MaxPooling1D/2D, AveragePooling1D/2D and the global poolings against
// TensorFlow.js through the layer oracle (layer_test_util.h): every padding,
// strides that overlap and that skip, and a Dense on N-d inputs before them
// so a train step moves weights through the pooling's gradient.
#include <gtest/gtest.h>

#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/reshape.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

TEST(PoolingTfjsTest, WindowPoolingsMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases, average_same;
  for (const std::string padding : {"valid", "same"}) {
    std::vector<size_t>& averages = padding == "same" ? average_same : cases;
    cases.push_back(tfjs.add({.layers = {MaxPooling2D({2, 2}, {.padding = padding})},
                              .input_shape = {5, 4, 3},
                              .train_step = false}));
    cases.push_back(
        tfjs.add({.layers = {MaxPooling2D({3, 2}, {.strides = {1, 3}, .padding = padding})},
                  .input_shape = {5, 7, 2},
                  .train_step = false}));
    averages.push_back(
        tfjs.add({.layers = {AveragePooling2D({3, 3}, {.strides = {2, 2}, .padding = padding})},
                  .input_shape = {6, 5, 2},
                  .train_step = false}));
    averages.push_back(tfjs.add({.layers = {AveragePooling2D({2, 1}, {.padding = padding})},
                                 .input_shape = {5, 3, 1},
                                 .train_step = false}));
    cases.push_back(tfjs.add({.layers = {MaxPooling1D(3, {.strides = {2}, .padding = padding})},
                              .input_shape = {8, 3},
                              .train_step = false}));
    averages.push_back(tfjs.add({.layers = {AveragePooling1D(2, {.padding = padding})},
                                 .input_shape = {7, 2},
                                 .train_step = false}));
    // Weights before the pooling: the step runs through its backward pass.
    cases.push_back(
        tfjs.add({.layers = {Dense(3, {.activation = "tanh"}),
                             MaxPooling2D({2, 2}, {.padding = padding}), AveragePooling2D({2, 1})},
                  .input_shape = {4, 5, 2}}));
  }
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
  // TF.js's CPU AvgPoolGrad divides by the whole window even where it
  // covers padding (tfjs-backend-cpu AvgPoolGrad.js: avgMultiplier = 1 /
  // (filterHeight * filterWidth)), unlike its own forward pass and
  // TensorFlow's AvgPoolGrad, which count the real elements as cairn does.
  // There only the outputs are compared; the numeric gradient checks
  // (pooling_test.cc, keras/layers/pooling_test.cc) cover the gradient.
  for (size_t k : average_same) tfjs.expect_matches(k, 1e-5, /*gradient_tolerance=*/1e30);
}

TEST(PoolingTfjsTest, GlobalPoolingsMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  const size_t cases[] = {
      tfjs.add(
          {.layers = {GlobalAveragePooling2D()}, .input_shape = {3, 4, 5}, .train_step = false}),
      tfjs.add({.layers = {GlobalMaxPooling2D()}, .input_shape = {3, 4, 5}, .train_step = false}),
      tfjs.add({.layers = {GlobalAveragePooling1D()}, .input_shape = {6, 3}, .train_step = false}),
      tfjs.add({.layers = {GlobalMaxPooling1D()}, .input_shape = {6, 3}, .train_step = false}),
      tfjs.add({.layers = {Dense(4, {.activation = "relu"}), GlobalMaxPooling2D(), Dense(2)},
                .input_shape = {3, 3, 2}}),
      tfjs.add({.layers = {Dense(3), GlobalAveragePooling1D(), Dense(2)}, .input_shape = {5, 2}}),
      // TF.js has no keepdims (it ignores the field): the same values, then
      // flattened on both sides. cairn's keepdims shapes are checked in
      // global_pooling_test.cc.
      tfjs.add({.layers = {GlobalMaxPooling2D({.keepdims = true}), Reshape({-1})},
                .input_shape = {3, 4, 5},
                .train_step = false}),
      tfjs.add({.layers = {GlobalAveragePooling1D({.keepdims = true}), Reshape({-1})},
                .input_shape = {6, 3},
                .train_step = false}),
  };
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

}  // namespace
}  // namespace cairn::keras
