// The convolution layers and ZeroPadding2D / Cropping2D / UpSampling2D
// against TensorFlow.js through the layer oracle (layer_test_util.h):
// outputs, input and weight gradients, and one SGD step, for each option
// that changes the math (strides, padding, dilation, use_bias, activation,
// depth_multiplier, border sizes, upsampling factors).
#include <gtest/gtest.h>

#include <string>

#include "cairn/keras/layers/border2d.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/depthwise_conv.h"
#include "keras/layers/layer_test_util.h"

namespace cairn::keras {
namespace {

// Runs every case in one node process and compares each.
void expect_all_match(testing::TfjsLayerOracle& tfjs, const std::vector<size_t>& cases) {
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

TEST(ConvTfjsTest, Conv2DMatchesTensorFlowJsForEveryOption) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  const Shape image{6, 5, 2};
  for (const char* padding : {"valid", "same"}) {
    cases.push_back(
        tfjs.add({.layers = {Conv2D(3, {3, 3}, {.padding = padding})}, .input_shape = image}));
    cases.push_back(
        tfjs.add({.layers = {Conv2D(2, {3, 2}, {.strides = {2, 2}, .padding = padding})},
                  .input_shape = image}));
    cases.push_back(
        tfjs.add({.layers = {Conv2D(2, {2, 2}, {.strides = {1, 3}, .padding = padding})},
                  .input_shape = image}));
    cases.push_back(
        tfjs.add({.layers = {Conv2D(2, {2, 3}, {.padding = padding, .dilation_rate = {2, 2}})},
                  .input_shape = image,
                  .train_step = false,
                  .gradients = false}));
  }
  for (const char* activation : {"relu", "tanh", "sigmoid", "elu", "softmax"}) {
    cases.push_back(
        tfjs.add({.layers = {Conv2D(3, {2, 2}, {.activation = activation, .use_bias = false})},
                  .input_shape = {4, 4, 2}}));
  }
  cases.push_back(tfjs.add({.layers = {Conv2D(4, {1, 1})}, .input_shape = {3, 3, 3}}));
  expect_all_match(tfjs, cases);
}

TEST(ConvTfjsTest, Conv1DMatchesTensorFlowJsForEveryOption) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  // "causal" is left out: TF.js's Conv1D does not implement it (the numeric
  // checks and nn/conv_test.cc's direct convolution cover it).
  for (const char* padding : {"valid", "same"}) {
    cases.push_back(
        tfjs.add({.layers = {Conv1D(3, 3, {.padding = padding})}, .input_shape = {9, 2}}));
    cases.push_back(tfjs.add(
        {.layers = {Conv1D(2, 2, {.strides = {2}, .padding = padding})}, .input_shape = {9, 2}}));
    cases.push_back(tfjs.add(
        {.layers = {Conv1D(
             2, 3,
             {.padding = padding, .dilation_rate = {2}, .activation = "tanh", .use_bias = false})},
         .input_shape = {9, 3},
         .train_step = false,
         .gradients = false}));
  }
  expect_all_match(tfjs, cases);
}

TEST(ConvTfjsTest, DepthwiseAndSeparableConv2DMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  const Shape image{6, 5, 3};
  for (const char* padding : {"valid", "same"}) {
    for (int64_t multiplier : {1, 2}) {
      cases.push_back(tfjs.add({.layers = {DepthwiseConv2D(
                                    {3, 3}, {.padding = padding, .depth_multiplier = multiplier})},
                                .input_shape = image}));
      cases.push_back(
          tfjs.add({.layers = {SeparableConv2D(
                        4, {3, 2}, {.padding = padding, .depth_multiplier = multiplier})},
                    .input_shape = image}));
    }
    cases.push_back(tfjs.add(
        {.layers = {DepthwiseConv2D(
             {2, 2},
             {.strides = {2, 2}, .padding = padding, .activation = "relu", .use_bias = false})},
         .input_shape = image}));
    cases.push_back(tfjs.add(
        {.layers = {SeparableConv2D(
             2, {2, 2},
             {.strides = {2, 1}, .padding = padding, .activation = "tanh", .use_bias = false})},
         .input_shape = image}));
    // No dilated DepthwiseConv2D: TF.js's layer ignores dilation_rate (it
    // passes none to depthwiseConv2d), where Keras applies it.
    cases.push_back(tfjs.add(
        {.layers = {SeparableConv2D(3, {2, 2}, {.padding = padding, .dilation_rate = {2, 2}})},
         .input_shape = image,
         .train_step = false,
         .gradients = false}));
  }
  expect_all_match(tfjs, cases);
}

TEST(ConvTfjsTest, PaddingCroppingAndUpsamplingMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  std::vector<size_t> cases;
  // A convolution after each gives the train step weights to move.
  for (const auto& border : {std::array<int64_t, 4>{1, 1, 1, 1}, {0, 2, 1, 0}}) {
    cases.push_back(tfjs.add({.layers = {ZeroPadding2D({.padding = border}), Conv2D(2, {2, 2})},
                              .input_shape = {3, 4, 2}}));
    cases.push_back(tfjs.add({.layers = {Cropping2D({.cropping = border}), Conv2D(2, {1, 1})},
                              .input_shape = {5, 4, 2}}));
  }
  for (const auto& size : {std::vector<int64_t>{2, 2}, {1, 3}}) {
    // One sample: TF.js's gradient of resizeNearestNeighbor is wrong past
    // the first sample of a batch (checked against the per-sample gradient
    // and the block sums by hand), so a batch of 2 would compare with a bug.
    cases.push_back(tfjs.add({.layers = {UpSampling2D({.size = size}), Conv2D(2, {2, 2})},
                              .input_shape = {3, 2, 2},
                              .batch = 1}));
  }
  expect_all_match(tfjs, cases);
}

TEST(ConvTfjsTest, SmallCnnMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsLayerOracle tfjs;
  const size_t k = tfjs.add(
      {.layers = {Conv2D(4, {3, 3}, {.activation = "relu"}),
                  DepthwiseConv2D({3, 3},
                                  {.strides = {2, 2}, .padding = "same", .depth_multiplier = 2}),
                  SeparableConv2D(3, {2, 2}, {.activation = "tanh"}), Flatten(),
                  Dense(2, {.activation = "softmax"})},
       .input_shape = {8, 8, 1},
       .batch = 3});
  expect_all_match(tfjs, {k});
}

}  // namespace
}  // namespace cairn::keras
