#include "cairn/keras/layers/pooling.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "keras/layers/layer_checks.h"

namespace cairn::keras {
namespace {

TEST(PoolingLayerTest, OutputShapesAsKeras) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(MaxPooling2D({2, 2}).build({28, 28, 32}, rng), (Shape{14, 14, 32}));
  EXPECT_EQ(MaxPooling2D({3, 3}, {.strides = {2, 2}}).build({7, 7, 1}, rng), (Shape{3, 3, 1}));
  EXPECT_EQ(AveragePooling2D({3, 3}, {.strides = {2, 2}, .padding = "same"}).build({7, 7, 1}, rng),
            (Shape{4, 4, 1}));
  EXPECT_EQ(MaxPooling1D(2).build({9, 4}, rng), (Shape{4, 4}));
  EXPECT_EQ(AveragePooling1D(2, {.padding = "same"}).build({9, 4}, rng), (Shape{5, 4}));
}

TEST(PoolingLayerTest, GradientsMatchNumeric) {
  for (const char* padding : {"valid", "same"}) {
    SCOPED_TRACE(padding);
    MaxPooling2D max2({2, 3}, {.strides = {1, 2}, .padding = padding});
    testing::expect_layer_gradients_for(max2, {5, 6, 2}, 1);
    AveragePooling2D avg2({3, 3}, {.strides = {2, 2}, .padding = padding});
    testing::expect_layer_gradients_for(avg2, {5, 4, 3}, 2);
    MaxPooling1D max1(3, {.strides = {2}, .padding = padding});
    testing::expect_layer_gradients_for(max1, {7, 2}, 3);
    AveragePooling1D avg1(2, {.padding = padding});
    testing::expect_layer_gradients_for(avg1, {5, 3}, 4);
  }
}

TEST(PoolingLayerTest, ConfigAsTfKerasWritesIt) {
  const Json config =
      MaxPooling2D({2, 2}, {.strides = {1, 1}, .padding = "same", .name = "pool"}).config();
  EXPECT_EQ(config, Json::parse(R"({"name": "pool", "trainable": true, "dtype": "float32",
      "pool_size": [2, 2], "padding": "same", "strides": [1, 1],
      "data_format": "channels_last"})"));
  EXPECT_EQ(MaxPooling1D(3).config()["strides"], Json::parse("[3]"));
}

TEST(PoolingLayerTest, ConfigRoundTripsAndReadsKeras3AndIntSizes) {
  testing::expect_config_round_trip(MaxPooling2D({2, 3}, {.strides = {1, 2}, .padding = "same"}));
  testing::expect_config_round_trip(AveragePooling2D({2, 2}, {.input_shape = Shape{4, 4, 1}}));
  testing::expect_config_round_trip(MaxPooling1D(4));
  testing::expect_config_round_trip(AveragePooling1D(2, {.padding = "same"}));
  // Keras 3: batch_shape, a DTypePolicy, sizes as lists; Keras 2.1: ints and null strides.
  const LayerPtr k3 = internal::layer_from_config("MaxPooling2D", Json::parse(R"({
      "name": "mp", "trainable": true, "batch_shape": [null, 6, 6, 2],
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
      "pool_size": [3, 3], "padding": "valid", "strides": [3, 3], "data_format": "channels_last"})"));
  EXPECT_EQ(k3->declared_input_shape(), (Shape{6, 6, 2}));
  EXPECT_EQ(dynamic_cast<Pooling&>(*k3).pool_size(), (std::vector<int64_t>{3, 3}));
  const LayerPtr k21 = internal::layer_from_config(
      "AveragePooling1D", Json::parse(R"({"name": "ap", "pool_size": 3, "strides": null})"));
  EXPECT_EQ(dynamic_cast<Pooling&>(*k21).strides(), (std::vector<int64_t>{3}));
}

TEST(PoolingLayerTest, BadConfigsAndShapesAreInvalidArgument) {
  for (const char* text :
       {R"({"name": "p", "pool_size": [0, 2]})", R"({"name": "p", "pool_size": [2]})",
        R"({"name": "p", "pool_size": [2, 2], "strides": [2, "x"]})",
        R"({"name": "p", "pool_size": [4294967296, 2]})", R"({"name": "p", "padding": "causal"})",
        R"({"name": "p", "padding": 3})", R"({"name": "p", "data_format": "channels_first"})"}) {
    try {
      internal::layer_from_config("MaxPooling2D", Json::parse(text));
      ADD_FAILURE() << text;
    } catch (const InvalidArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("'p'"), std::string::npos) << e.what();
    }
  }
  std::mt19937_64 rng(1);
  EXPECT_THROW(MaxPooling2D({2, 2}).build({4, 4}, rng), InvalidArgumentError);
  EXPECT_THROW(MaxPooling2D({5, 5}).build({4, 4, 1}, rng), InvalidArgumentError);
  EXPECT_THROW(MaxPooling1D(2).build({4, 4, 1}, rng), InvalidArgumentError);
}

TEST(PoolingLayerTest, SmallCnnTrainsAndRoundTrips) {
  set_random_seed(3);
  Sequential model({Dense(3, {.activation = "tanh", .input_shape = Shape{6, 6, 2}}),
                    MaxPooling2D({2, 2}), AveragePooling2D({2, 2}, {.padding = "same"}), Flatten(),
                    Dense(1)});
  const Tensor x = testing::random_samples(16, {6, 6, 2}, 5);
  const Tensor y = testing::random_samples(16, {1}, 6);
  testing::expect_trains_and_round_trips(model, x, y, "mse");
}

}  // namespace
}  // namespace cairn::keras
