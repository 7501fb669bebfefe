// SpatialDropout1D/2D and GaussianNoise: identity in inference, Keras's
// training statistics, configs and refusals.
#include "cairn/keras/layers/noise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "cairn/core/errors.h"
#include "keras/keras_test_util.h"
#include "keras/layers/layer_factory.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

using nn::testing::random_matrix;

TEST(SpatialDropoutTest, InferenceIsTheIdentityAndTrainingDropsWholeChannels) {
  std::mt19937_64 rng(1);
  SpatialDropout2D drop(0.25);
  drop.build({3, 4, 5}, rng);
  const nn::Matrix x = random_matrix(200, 60, 2, 1.0f, 2.0f);
  EXPECT_EQ(drop.forward(x, /*training=*/false, rng), x);
  const nn::Matrix y = drop.forward(x, /*training=*/true, rng);
  int dropped = 0;
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    for (Eigen::Index c = 0; c < 5; ++c) {
      const bool zero = y(r, c) == 0.0f;
      dropped += zero;
      for (Eigen::Index p = 0; p < 12; ++p) {
        const Eigen::Index j = p * 5 + c;
        EXPECT_FLOAT_EQ(y(r, j), zero ? 0.0f : x(r, j) / 0.75f);
      }
    }
  }
  EXPECT_NEAR(dropped / 1000.0, 0.25, 0.04);
  // The gradient flows through the kept channels, scaled alike.
  const nn::Matrix ones = nn::Matrix::Ones(200, 60);
  EXPECT_TRUE(drop.backward(ones).isApprox(y.cwiseQuotient(x), 1e-6f));
  SpatialDropout1D drop1(0.5);
  drop1.build({6, 2}, rng);
  const nn::Matrix y1 = drop1.forward(nn::Matrix::Ones(1000, 12), true, rng);
  EXPECT_NEAR(y1.mean(), 1.0, 0.05);  // the scaling keeps the expectation
}

TEST(GaussianNoiseTest, InferenceIsTheIdentityAndTrainingAddsTheDeviation) {
  std::mt19937_64 rng(1);
  GaussianNoise noise(0.3);
  noise.build({50}, rng);
  const nn::Matrix x = random_matrix(200, 50, 3);
  EXPECT_EQ(noise.forward(x, false, rng), x);
  const nn::Matrix d = noise.forward(x, true, rng) - x;
  const double mean = d.cast<double>().mean();
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(std::sqrt((d.cast<double>().array() - mean).square().mean()), 0.3, 0.01);
  EXPECT_EQ(noise.backward(x), x);
}

TEST(NoiseLayersTest, ConfigsRoundTripAndBadOnesAreRefused) {
  std::vector<LayerPtr> layers = {SpatialDropout1D(0.2), SpatialDropout2D(0.3), GaussianNoise(0.1)};
  for (const LayerPtr& layer : layers) {
    const Json c = layer->config();
    EXPECT_EQ(internal::layer_from_config(layer->class_name(), c)->config(), c);
  }
  EXPECT_EQ(layers[1]->config()["data_format"], "channels_last");
  // Keras 3 adds a seed.
  EXPECT_EQ(internal::layer_from_config("GaussianNoise",
                                        Json::parse(R"({"name": "g", "stddev": 0.5, "seed": 3})"))
                ->config()["stddev"],
            0.5);
  const auto refused = [](const char* class_name, const char* json) {
    try {
      internal::layer_from_config(class_name, Json::parse(json));
    } catch (const InvalidArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused("SpatialDropout2D", R"({"name": "s", "rate": 0.1,
                    "data_format": "channels_first"})")
                .find("channels_first"),
            std::string::npos);
  EXPECT_NE(refused("SpatialDropout1D", R"({"name": "s", "rate": 1.0})").find("layer 's'"),
            std::string::npos);
  EXPECT_NE(refused("GaussianNoise", R"({"name": "g", "stddev": -1})").find("layer 'g'"),
            std::string::npos);
  EXPECT_NE(refused("GaussianNoise", R"({"name": "g"})").find("'stddev'"), std::string::npos);
  std::mt19937_64 rng(1);
  SpatialDropout1D flat(0.1, "sd");
  try {
    flat.build({12}, rng);
    ADD_FAILURE() << "a flat input was accepted";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'sd' (SpatialDropout1D)"), std::string::npos);
  }
}

TEST(NoiseLayersTest, ModelWithNoiseTrainsAndPredictsDeterministically) {
  auto [x, y] = testing::blobs(120, 5);
  set_random_seed(4);
  Sequential model({GaussianNoise(0.1, "noise"), Dense(16, {.activation = "relu"}),
                    Dense(3, {.activation = "softmax"})});
  model.build({4});
  model.compile(
      {.optimizer = Adam{.learning_rate = 0.01}, .loss = "sparse_categorical_crossentropy"});
  const double before = model.evaluate(x, y, {.verbose = 0}).get("loss");
  model.fit(x, y, {.epochs = 5, .batch_size = 16, .verbose = 0});
  EXPECT_LT(model.evaluate(x, y, {.verbose = 0}).get("loss"), before * 0.5);
  EXPECT_TRUE(model.predict(x) == model.predict(x));
}

}  // namespace
}  // namespace cairn::keras
