#include "cairn/keras/layers/global_pooling.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "keras/layers/layer_checks.h"

namespace cairn::keras {
namespace {

TEST(GlobalPoolingLayerTest, OutputShapesAsKeras) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(GlobalAveragePooling2D().build({7, 7, 64}, rng), (Shape{64}));
  EXPECT_EQ(GlobalMaxPooling2D({.keepdims = true}).build({7, 7, 64}, rng), (Shape{1, 1, 64}));
  EXPECT_EQ(GlobalAveragePooling1D().build({100, 8}, rng), (Shape{8}));
  EXPECT_EQ(GlobalMaxPooling1D({.keepdims = true}).build({100, 8}, rng), (Shape{1, 8}));
}

TEST(GlobalPoolingLayerTest, ValuesPerChannel) {
  // Three steps of two channels: (1, 6), (5, 2), (3, 4).
  const nn::Matrix x = (nn::Matrix(1, 6) << 1, 6, 5, 2, 3, 4).finished();
  std::mt19937_64 rng(1);
  GlobalMaxPooling1D max;
  GlobalAveragePooling1D avg;
  max.build({3, 2}, rng);
  avg.build({3, 2}, rng);
  EXPECT_EQ(max.forward(x, false, rng), (nn::Matrix(1, 2) << 5, 6).finished());
  EXPECT_EQ(avg.forward(x, false, rng), (nn::Matrix(1, 2) << 3, 4).finished());
}

TEST(GlobalPoolingLayerTest, AverageOfSequencesSkipsMaskedSteps) {
  std::mt19937_64 rng(1);
  GlobalAveragePooling1D avg;
  avg.build({3, 2}, rng);
  const nn::Matrix x = (nn::Matrix(2, 6) << 1, 6, 5, 2, 3, 4, 1, 1, 2, 2, 9, 9).finished();
  const nn::Matrix mask = (nn::Matrix(2, 3) << 1, 1, 0, 0, 1, 0).finished();
  avg.set_input_mask(&mask);
  EXPECT_EQ(avg.forward(x, false, rng), (nn::Matrix(2, 2) << 3, 4, 2, 2).finished());
  EXPECT_EQ(avg.output_mask(&mask), nullptr);
  const nn::Matrix r = nn::testing::random_matrix(2, 2, 3);
  const nn::Matrix dx = avg.backward(r);
  auto loss = [&](const nn::Matrix& probe) {
    return nn::testing::weighted_sum(avg.forward(probe, false, rng), r);
  };
  nn::testing::expect_gradients_near(dx, nn::testing::numeric_gradient(loss, x));
  EXPECT_FALSE(GlobalMaxPooling1D().supports_masking());
  EXPECT_FALSE(GlobalAveragePooling2D().supports_masking());
}

TEST(GlobalPoolingLayerTest, GradientsMatchNumeric) {
  for (bool keepdims : {false, true}) {
    GlobalAveragePooling2D avg2({.keepdims = keepdims});
    testing::expect_layer_gradients_for(avg2, {3, 4, 2}, 1);
    GlobalMaxPooling2D max2({.keepdims = keepdims});
    testing::expect_layer_gradients_for(max2, {3, 4, 2}, 2);
    GlobalAveragePooling1D avg1({.keepdims = keepdims});
    testing::expect_layer_gradients_for(avg1, {5, 3}, 3);
    GlobalMaxPooling1D max1({.keepdims = keepdims});
    testing::expect_layer_gradients_for(max1, {5, 3}, 4);
  }
}

TEST(GlobalPoolingLayerTest, ConfigRoundTripsAndReadsOlderAndNewerKeras) {
  EXPECT_EQ(GlobalAveragePooling2D({.name = "gap"}).config(),
            Json::parse(R"({"name": "gap", "trainable": true, "dtype": "float32",
                "data_format": "channels_last", "keepdims": false})"));
  testing::expect_config_round_trip(GlobalAveragePooling2D({.keepdims = true}));
  testing::expect_config_round_trip(GlobalMaxPooling2D());
  testing::expect_config_round_trip(GlobalAveragePooling1D({.input_shape = Shape{4, 2}}));
  testing::expect_config_round_trip(GlobalMaxPooling1D({.keepdims = true}));
  // Keras 2.1..2.5 have no keepdims; Keras 3 writes a DTypePolicy.
  const LayerPtr old = internal::layer_from_config(
      "GlobalMaxPooling1D", Json::parse(R"({"name": "g", "data_format": "channels_last"})"));
  EXPECT_FALSE(dynamic_cast<GlobalPooling&>(*old).keepdims());
  const LayerPtr k3 = internal::layer_from_config("GlobalAveragePooling2D", Json::parse(R"({
      "name": "g3", "keepdims": true, "data_format": "channels_last",
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}})"));
  EXPECT_TRUE(dynamic_cast<GlobalPooling&>(*k3).keepdims());
}

TEST(GlobalPoolingLayerTest, BadConfigsAndShapesAreInvalidArgument) {
  for (const char* text :
       {R"({"name": "g", "keepdims": 1})", R"({"name": "g", "data_format": "channels_first"})"}) {
    EXPECT_THROW(internal::layer_from_config("GlobalMaxPooling2D", Json::parse(text)),
                 InvalidArgumentError)
        << text;
  }
  std::mt19937_64 rng(1);
  EXPECT_THROW(GlobalAveragePooling2D().build({4, 4}, rng), InvalidArgumentError);
  EXPECT_THROW(GlobalAveragePooling1D().build({4}, rng), InvalidArgumentError);
}

TEST(GlobalPoolingLayerTest, SmallModelTrainsAndRoundTrips) {
  set_random_seed(4);
  Sequential model({Dense(4, {.activation = "relu", .input_shape = Shape{5, 5, 2}}),
                    GlobalMaxPooling2D({.keepdims = true}), GlobalAveragePooling2D(), Dense(2)});
  testing::expect_trains_and_round_trips(model, testing::random_samples(16, {5, 5, 2}, 1),
                                         testing::random_samples(16, {2}, 2), "mse");
}

}  // namespace
}  // namespace cairn::keras
