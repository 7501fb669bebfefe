#include "cairn/keras/layers/reshape.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "keras/layers/layer_checks.h"

namespace cairn::keras {
namespace {

TEST(ReshapeLayerTest, ResolvesMinusOneAndRefusesWhatDoesNotFit) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(Reshape({7, 7, -1}).build({3136}, rng), (Shape{7, 7, 64}));
  EXPECT_EQ(Reshape({-1}).build({2, 3, 4}, rng), (Shape{24}));
  EXPECT_EQ(Reshape({4, 6}).build({2, 3, 4}, rng), (Shape{4, 6}));
  EXPECT_THROW(Reshape({5, -1}).build({12}, rng), InvalidArgumentError);
  EXPECT_THROW(Reshape({5, 5}).build({24}, rng), InvalidArgumentError);
  EXPECT_THROW(Reshape({1 << 30, 1 << 30, -1}).build({24}, rng), InvalidArgumentError);
  EXPECT_THROW(Reshape({-1, -1}), InvalidArgumentError);
  EXPECT_THROW(Reshape({0, 4}), InvalidArgumentError);
}

TEST(ReshapeLayerTest, PermuteSwapsAxes) {
  std::mt19937_64 rng(1);
  Permute p({2, 1});
  EXPECT_EQ(p.build({2, 3}, rng), (Shape{3, 2}));
  const nn::Matrix x = (nn::Matrix(1, 6) << 0, 1, 2, 3, 4, 5).finished();
  EXPECT_EQ(p.forward(x, false, rng), (nn::Matrix(1, 6) << 0, 3, 1, 4, 2, 5).finished());
  EXPECT_EQ(Permute({3, 1, 2}).build({2, 3, 4}, rng), (Shape{4, 2, 3}));
  EXPECT_THROW(Permute({2, 1}).build({2, 3, 4}, rng), InvalidArgumentError);
  EXPECT_THROW(Permute({0, 1}), InvalidArgumentError);
  EXPECT_THROW(Permute({1, 1}), InvalidArgumentError);
}

TEST(ReshapeLayerTest, RepeatVectorRepeatsTheSample) {
  std::mt19937_64 rng(1);
  RepeatVector r(3);
  EXPECT_EQ(r.build({2}, rng), (Shape{3, 2}));
  const nn::Matrix x = (nn::Matrix(1, 2) << 1, 2).finished();
  EXPECT_EQ(r.forward(x, false, rng), (nn::Matrix(1, 6) << 1, 2, 1, 2, 1, 2).finished());
  EXPECT_THROW(RepeatVector(3).build({2, 2}, rng), InvalidArgumentError);
  EXPECT_THROW(RepeatVector(0), InvalidArgumentError);
  EXPECT_THROW(RepeatVector(int64_t{1} << 31), InvalidArgumentError);
}

TEST(ReshapeLayerTest, GradientsMatchNumeric) {
  Reshape reshape({3, -1});
  testing::expect_layer_gradients_for(reshape, {2, 6}, 1);
  Permute permute({3, 1, 2});
  testing::expect_layer_gradients_for(permute, {2, 3, 4}, 2);
  RepeatVector repeat(4);
  testing::expect_layer_gradients_for(repeat, {3}, 3);
}

TEST(ReshapeLayerTest, ConfigsRoundTripAndReadKeras3) {
  EXPECT_EQ(Reshape({7, -1}, {.name = "r"}).config(),
            Json::parse(R"({"name": "r", "trainable": true, "dtype": "float32",
                "target_shape": [7, -1]})"));
  EXPECT_EQ(Permute({2, 1}, {.name = "p"}).config()["dims"], Json::parse("[2, 1]"));
  EXPECT_EQ(RepeatVector(3, {.name = "v"}).config()["n"], 3);
  testing::expect_config_round_trip(Reshape({2, 2, 3}, {.input_shape = Shape{12}}));
  testing::expect_config_round_trip(Permute({3, 2, 1}));
  testing::expect_config_round_trip(RepeatVector(5));
  const LayerPtr k3 = internal::layer_from_config("Reshape", Json::parse(R"({
      "name": "r", "target_shape": [4, 3], "batch_shape": [null, 12],
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}})"));
  EXPECT_EQ(k3->declared_input_shape(), (Shape{12}));
}

TEST(ReshapeLayerTest, BadConfigsAreInvalidArgumentNamingTheLayer) {
  const std::pair<const char*, const char*> cases[] = {
      {"Reshape", R"({"name": "bad"})"},
      {"Reshape", R"({"name": "bad", "target_shape": [2, "x"]})"},
      {"Reshape", R"({"name": "bad", "target_shape": 4})"},
      {"Permute", R"({"name": "bad", "dims": [2, 2]})"},
      {"Permute", R"({"name": "bad", "dims": [99999999999, 1]})"},
      {"RepeatVector", R"({"name": "bad", "n": "3"})"},
      {"RepeatVector", R"({"name": "bad", "n": -2})"},
  };
  for (const auto& [class_name, text] : cases) {
    try {
      internal::layer_from_config(class_name, Json::parse(text));
      ADD_FAILURE() << text;
    } catch (const InvalidArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("'bad'"), std::string::npos) << e.what();
    }
  }
}

TEST(ReshapeLayerTest, SmallModelTrainsAndRoundTrips) {
  set_random_seed(5);
  Sequential model({Dense(6, {.activation = "tanh", .input_shape = Shape{4}}), Reshape({3, 2}),
                    Permute({2, 1}), Dense(2), Reshape({-1}), RepeatVector(2), Dense(1)});
  testing::expect_trains_and_round_trips(model, testing::random_samples(16, {4}, 1),
                                         testing::random_samples(16, {2, 1}, 2), "mse");
}

}  // namespace
}  // namespace cairn::keras
