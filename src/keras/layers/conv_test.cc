#include "cairn/keras/layers/conv.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/layers/layer_checks.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"

namespace cairn::keras {
namespace {

using testing::expect_layer_gradients_for;
using testing::expect_refused;

TEST(Conv2DTest, GradientsMatchNumericForEveryOption) {
  Conv2D valid(3, {3, 3}, {.activation = "tanh"});
  expect_layer_gradients_for(valid, {5, 5, 2});
  Conv2D same(2, {3, 2}, {.padding = "same", .activation = "sigmoid"});
  expect_layer_gradients_for(same, {4, 5, 2});
  Conv2D strided(2, {3, 3}, {.strides = {2, 1}, .padding = "same"});
  expect_layer_gradients_for(strided, {6, 5, 1});
  Conv2D dilated(2, {2, 3}, {.dilation_rate = {2, 2}, .use_bias = false});
  expect_layer_gradients_for(dilated, {6, 7, 2});
}

TEST(Conv1DTest, GradientsMatchNumericForEveryOption) {
  Conv1D valid(2, 3, {.activation = "elu"});
  expect_layer_gradients_for(valid, {7, 3});
  Conv1D causal(2, 3, {.padding = "causal", .dilation_rate = {2}});
  expect_layer_gradients_for(causal, {8, 2});
  Conv1D strided(3, 2, {.strides = {3}, .padding = "same", .use_bias = false});
  expect_layer_gradients_for(strided, {8, 2});
}

TEST(Conv2DTest, ShapesWeightsAndParameterCountAreKeras) {
  std::mt19937_64 rng(1);
  Conv2D conv(32, {3, 3}, {.name = "conv2d"});
  EXPECT_EQ(conv.build({28, 28, 1}, rng), (Shape{26, 26, 32}));
  ASSERT_EQ(conv.weights().size(), 2u);
  EXPECT_EQ(conv.weights()[0]->name, "conv2d/kernel");
  EXPECT_EQ(conv.weights()[0]->value.shape(), (TensorShape{3, 3, 1, 32}));
  EXPECT_EQ(conv.weights()[1]->name, "conv2d/bias");
  EXPECT_EQ(conv.count_params(), 320);  // what Keras's summary prints
  Conv2D same(8, {5, 5}, {.strides = {2, 2}, .padding = "same", .use_bias = false});
  EXPECT_EQ(same.build({28, 27, 3}, rng), (Shape{14, 14, 8}));
  EXPECT_EQ(same.count_params(), 5 * 5 * 3 * 8);
  Conv1D conv1d(4, 3, {.padding = "causal"});
  EXPECT_EQ(conv1d.build({10, 2}, rng), (Shape{10, 4}));
  EXPECT_EQ(conv1d.weights()[0]->value.shape(), (TensorShape{3, 2, 4}));
}

TEST(Conv2DTest, ConfigRoundTripsAndIsTfKerasSpelling) {
  Conv2D conv(4, {3, 2},
              {.strides = {2, 1},
               .padding = "same",
               .activation = "relu",
               .use_bias = false,
               .kernel_initializer = "he_normal",
               .input_shape = Shape{9, 9, 3},
               .name = "c"});
  const Json c = conv.config();
  EXPECT_EQ(c["kernel_size"], Json::array({3, 2}));
  EXPECT_EQ(c["strides"], Json::array({2, 1}));
  EXPECT_EQ(c["dilation_rate"], Json::array({1, 1}));
  EXPECT_EQ(c["padding"], "same");
  EXPECT_EQ(c["data_format"], "channels_last");
  EXPECT_EQ(c["kernel_initializer"]["class_name"], "HeNormal");
  EXPECT_EQ(c["batch_input_shape"], Json::parse("[null, 9, 9, 3]"));
  EXPECT_EQ(Conv2D::from_config(c).config(), c);
  Conv1D conv1d(2, 5, {.padding = "causal", .dilation_rate = {3}, .name = "d"});
  EXPECT_EQ(conv1d.config()["kernel_size"], Json::array({5}));
  EXPECT_EQ(internal::layer_from_config("Conv1D", conv1d.config())->config(), conv1d.config());
}

TEST(Conv2DTest, ReadsKeras3Configs) {
  const Json keras3 = Json::parse(R"({
    "name": "conv2d", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
    "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
    "use_bias": true,
    "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                           "config": {"seed": null}, "registered_name": null},
    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
    "kernel_constraint": null, "bias_constraint": null})");
  const Json c = Conv2D::from_config(keras3).config();
  EXPECT_EQ(c["filters"], 4);
  EXPECT_EQ(c["padding"], "same");
  EXPECT_EQ(c["activation"], "relu");
  EXPECT_EQ(c["kernel_initializer"]["class_name"], "HeNormal");
  // Keras 2.1 wrote bare ints for some tuples.
  const Json old = Json::parse(R"({"name": "c", "filters": 2, "kernel_size": 3, "strides": 2})");
  EXPECT_EQ(Conv2D::from_config(old).config()["kernel_size"], Json::array({3, 3}));
}

Json config_with(const std::string& key, const Json& value) {
  Json c = Json::parse(R"({"name": "bad", "filters": 2, "kernel_size": [3, 3]})");
  c[key] = value;
  return c;
}

TEST(Conv2DTest, RefusesBadConfigsNamingTheLayerAndField) {
  auto conv = [](const Json& c) { return [c] { Conv2D::from_config(c); }; };
  expect_refused(conv(config_with("filters", 0)), "'bad': filters must be in [1, 2^31), got 0");
  expect_refused(conv(config_with("filters", int64_t{1} << 31)), "'bad': filters");
  expect_refused(conv(config_with("filters", "8")), "integer 'filters'");
  expect_refused(conv(config_with("kernel_size", Json::array({3, 3, 3}))), "kernel_size needs 2");
  expect_refused(conv(config_with("kernel_size", Json::array({3, -1}))),
                 "kernel_size must be in [1, 2^31), got -1");
  expect_refused(conv(config_with("strides", Json::array({0, 1}))),
                 "strides must be in [1, 2^31), got 0");
  expect_refused(conv(config_with("padding", "full")), "padding 'full'");
  expect_refused(conv(config_with("padding", "causal")), "padding 'causal'");
  expect_refused(conv(config_with("data_format", "channels_first")), "data_format");
  expect_refused(conv(config_with("groups", 2)), "groups 2");
  expect_refused(conv(config_with("activation", "mish")), "'bad'");
  Json both = config_with("strides", 2);
  both["dilation_rate"] = 2;
  expect_refused(conv(both), "strides > 1");
  Json no_kernel = config_with("filters", 2);
  no_kernel.erase("kernel_size");
  expect_refused(conv(no_kernel), "'kernel_size'");
}

TEST(Conv2DTest, RefusesInputShapesItCannotTake) {
  std::mt19937_64 rng(1);
  expect_refused(
      [&] {
        Conv2D(2, {3, 3}, {.name = "c"}).build({5, 5}, rng);
      },
      "'c' (Conv2D) needs inputs of shape (height, width, channels)");
  expect_refused(
      [&] {
        Conv2D(2, {3, 3}, {.name = "c"}).build({2, 5, 1}, rng);
      },
      "smaller than the kernel");
  expect_refused([&] { Conv1D(2, 3, {.name = "c"}).build({5, 5, 1}, rng); }, "(steps, channels)");
  expect_refused(
      [&] {
        Conv2D(2, {3, 3}, {.name = "c"}).build({5, 0, 1}, rng);
      },
      "input dimension must be in [1, 2^31), got 0");
  const int64_t big = (int64_t{1} << 31) - 1;
  expect_refused(
      [&] {
        Conv2D(big, {big, big}, {.padding = "same", .name = "c"}).build({1, 1, big}, rng);
      },
      "overflows");
}

}  // namespace
}  // namespace cairn::keras
