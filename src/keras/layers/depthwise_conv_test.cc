#include "cairn/keras/layers/depthwise_conv.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/layers/layer_checks.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"

namespace cairn::keras {
namespace {

using testing::expect_layer_gradients_for;
using testing::expect_refused;

TEST(DepthwiseConv2DTest, GradientsMatchNumericForEveryOption) {
  DepthwiseConv2D valid({3, 3}, {.activation = "tanh"});
  expect_layer_gradients_for(valid, {5, 5, 2});
  DepthwiseConv2D multiplied({3, 2}, {.padding = "same", .depth_multiplier = 3});
  expect_layer_gradients_for(multiplied, {4, 5, 2});
  DepthwiseConv2D strided({3, 3}, {.strides = {2, 2}, .padding = "same", .use_bias = false});
  expect_layer_gradients_for(strided, {6, 5, 3});
  DepthwiseConv2D dilated({2, 2}, {.dilation_rate = {2, 1}, .depth_multiplier = 2});
  expect_layer_gradients_for(dilated, {5, 4, 2});
}

TEST(SeparableConv2DTest, GradientsMatchNumericForEveryOption) {
  SeparableConv2D valid(3, {3, 3}, {.activation = "sigmoid"});
  expect_layer_gradients_for(valid, {5, 5, 2});
  SeparableConv2D multiplied(2, {2, 3}, {.padding = "same", .depth_multiplier = 2});
  expect_layer_gradients_for(multiplied, {4, 5, 3});
  SeparableConv2D strided(4, {3, 3}, {.strides = {2, 2}, .use_bias = false});
  expect_layer_gradients_for(strided, {7, 6, 2});
  SeparableConv2D dilated(2, {2, 2}, {.dilation_rate = {2, 2}, .activation = "elu"});
  expect_layer_gradients_for(dilated, {5, 5, 2});
}

TEST(DepthwiseConv2DTest, WeightsShapesAndParameterCountsAreKeras) {
  std::mt19937_64 rng(1);
  DepthwiseConv2D dw({3, 3}, {.depth_multiplier = 2, .name = "dw"});
  EXPECT_EQ(dw.build({8, 8, 3}, rng), (Shape{6, 6, 6}));
  ASSERT_EQ(dw.weights().size(), 2u);
  EXPECT_EQ(dw.weights()[0]->name, "dw/depthwise_kernel");
  EXPECT_EQ(dw.weights()[0]->value.shape(), (TensorShape{3, 3, 3, 2}));
  EXPECT_EQ(dw.weights()[1]->name, "dw/bias");
  EXPECT_EQ(dw.weights()[1]->value.shape(), (TensorShape{6}));
  EXPECT_EQ(dw.count_params(), 60);
  SeparableConv2D sep(16, {3, 3}, {.padding = "same", .depth_multiplier = 2, .name = "sep"});
  EXPECT_EQ(sep.build({8, 8, 3}, rng), (Shape{8, 8, 16}));
  ASSERT_EQ(sep.weights().size(), 3u);
  EXPECT_EQ(sep.weights()[0]->name, "sep/depthwise_kernel");
  EXPECT_EQ(sep.weights()[1]->name, "sep/pointwise_kernel");
  EXPECT_EQ(sep.weights()[1]->value.shape(), (TensorShape{1, 1, 6, 16}));
  EXPECT_EQ(sep.weights()[2]->name, "sep/bias");
  EXPECT_EQ(sep.count_params(), 3 * 3 * 3 * 2 + 6 * 16 + 16);  // 166, as Keras prints
}

TEST(DepthwiseConv2DTest, ConfigsRoundTripInTfKerasSpelling) {
  DepthwiseConv2D dw({3, 3}, {.strides = {2, 2},
                              .padding = "same",
                              .depth_multiplier = 2,
                              .activation = "relu",
                              .input_shape = Shape{8, 8, 3},
                              .name = "dw"});
  const Json c = dw.config();
  EXPECT_EQ(c["depth_multiplier"], 2);
  EXPECT_EQ(c["depthwise_initializer"]["class_name"], "GlorotUniform");
  EXPECT_FALSE(c.contains("filters"));
  EXPECT_EQ(DepthwiseConv2D::from_config(c).config(), c);
  SeparableConv2D sep(4, {3, 3}, {.dilation_rate = {2, 2}, .use_bias = false, .name = "sep"});
  const Json s = sep.config();
  EXPECT_EQ(s["filters"], 4);
  EXPECT_EQ(s["pointwise_initializer"]["class_name"], "GlorotUniform");
  EXPECT_EQ(internal::layer_from_config("SeparableConv2D", s)->config(), s);
  // Keras 3: initializers as module objects, dtype as a policy.
  const Json keras3 = Json::parse(R"({"name": "dw3", "kernel_size": [3, 3],
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
    "depth_multiplier": 3, "padding": "valid", "data_format": "channels_last",
    "depthwise_initializer": {"module": "keras.initializers", "class_name": "HeUniform",
                              "config": {"seed": null}, "registered_name": null}})");
  const Json read = DepthwiseConv2D::from_config(keras3).config();
  EXPECT_EQ(read["depth_multiplier"], 3);
  EXPECT_EQ(read["depthwise_initializer"]["class_name"], "HeUniform");
}

TEST(DepthwiseConv2DTest, RefusesBadConfigsAndShapes) {
  auto depthwise = [](const std::string& json) {
    return [json] { DepthwiseConv2D::from_config(Json::parse(json)); };
  };
  expect_refused(depthwise(R"({"name": "d", "kernel_size": 3, "depth_multiplier": 0})"),
                 "'d': depth_multiplier must be in [1, 2^31), got 0");
  expect_refused(depthwise(R"({"name": "d", "kernel_size": 3, "depth_multiplier": "2"})"),
                 "depth_multiplier is not an integer");
  expect_refused(depthwise(R"({"name": "d"})"), "'kernel_size'");
  expect_refused(depthwise(R"({"name": "d", "kernel_size": [3, 0]})"),
                 "kernel_size must be in [1, 2^31), got 0");
  expect_refused(
      [] { SeparableConv2D::from_config(Json::parse(R"({"name": "s", "kernel_size": 3})")); },
      "'s' (SeparableConv2D): config has no integer 'filters'");
  std::mt19937_64 rng(1);
  expect_refused(
      [&] {
        DepthwiseConv2D({3, 3}, {.name = "d"}).build({8, 8}, rng);
      },
      "'d' (DepthwiseConv2D) needs inputs of shape (height, width, channels)");
  expect_refused(
      [&] {
        SeparableConv2D(2, {5, 5}, {.name = "s"}).build({4, 8, 1}, rng);
      },
      "smaller than the kernel");
}

}  // namespace
}  // namespace cairn::keras
