// Sequential models of the convolution layers end to end: they train (the
// loss falls), print Keras's summary rows, and survive save_weights /
// load_weights in the TF and .h5 formats bit for bit.
#include <gtest/gtest.h>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/border2d.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/depthwise_conv.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

// 8x8 images of one bar, vertical (class 0) or horizontal (class 1), at a
// random place, with noise.
std::pair<Tensor, Tensor> bars(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> place(0, 7);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  Tensor x(DType::kFloat32, {n, 8, 8, 1}), y(DType::kInt64, {n});
  auto pixels = x.flat<float>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = i % 2, at = place(rng);
    y.flat<int64_t>()[static_cast<size_t>(i)] = label;
    for (int64_t r = 0; r < 8; ++r) {
      for (int64_t c = 0; c < 8; ++c) {
        const bool on = label == 0 ? c == at : r == at;
        pixels[static_cast<size_t>(i * 64 + r * 8 + c)] = (on ? 1.0f : 0.0f) + noise(rng);
      }
    }
  }
  return {x, y};
}

Sequential image_model() {
  set_random_seed(3);
  Sequential model({
      ZeroPadding2D({.padding = {1, 1, 1, 1}, .input_shape = Shape{8, 8, 1}}),
      Conv2D(4, {3, 3}, {.activation = "relu"}),
      DepthwiseConv2D({3, 3}, {.strides = {2, 2}, .padding = "same", .depth_multiplier = 2}),
      SeparableConv2D(4, {2, 2}, {.activation = "tanh"}),
      Cropping2D({.cropping = {0, 1, 1, 0}}),
      UpSampling2D({.size = {2, 2}}),
      Flatten(),
      Dense(2, {.activation = "softmax"}),
  });
  model.compile({.optimizer = Adam{.learning_rate = 0.01},
                 .loss = "sparse_categorical_crossentropy",
                 .metrics = {"accuracy"}});
  return model;
}

TEST(ConvModelTest, ImageModelTrainsAndPrintsKerasSummaryRows) {
  Sequential model = image_model();
  auto [x, y] = bars(64, 1);
  const double before = model.evaluate(x, y, {.verbose = 0}).get("loss");
  model.fit(x, y, {.epochs = 15, .batch_size = 16, .verbose = 0});
  const double after = model.evaluate(x, y, {.verbose = 0}).get("loss");
  EXPECT_LT(after, 0.5 * before);
  const std::string summary = model.summary_string();
  for (const char* row : {"(None, 10, 10, 1)", "(None, 8, 8, 4)", "(None, 4, 4, 8)",
                          "(None, 3, 3, 4)", "(None, 2, 2, 4)", "(None, 4, 4, 4)", "(None, 64)"}) {
    EXPECT_NE(summary.find(row), std::string::npos) << row << "\n" << summary;
  }
  // Conv2D 3*3*1*4+4, DepthwiseConv2D 3*3*4*2+8, SeparableConv2D 2*2*8+8*4+4,
  // Dense 64*2+2: Keras's counts.
  EXPECT_EQ(model.count_params(), 40 + 80 + 68 + 130);
}

TEST(ConvModelTest, SequenceModelTrains) {
  set_random_seed(5);
  // Class: whether the sequence rises or falls.
  const int64_t n = 64, steps = 12;
  Tensor x(DType::kFloat32, {n, steps, 1}), y(DType::kInt64, {n});
  std::mt19937_64 rng(2);
  std::normal_distribution<float> noise(0.0f, 0.2f);
  for (int64_t i = 0; i < n; ++i) {
    y.flat<int64_t>()[static_cast<size_t>(i)] = i % 2;
    for (int64_t t = 0; t < steps; ++t) {
      const float slope = i % 2 ? 0.1f : -0.1f;
      x.flat<float>()[static_cast<size_t>(i * steps + t)] = slope * t + noise(rng);
    }
  }
  Sequential model({Conv1D(4, 3, {.activation = "relu", .input_shape = Shape{steps, 1}}),
                    Conv1D(2, 3, {.strides = {2}, .padding = "causal", .dilation_rate = {1}}),
                    Flatten(), Dense(2, {.activation = "softmax"})});
  model.compile(
      {.optimizer = Adam{.learning_rate = 0.02}, .loss = "sparse_categorical_crossentropy"});
  const double before = model.evaluate(x, y, {.verbose = 0}).get("loss");
  model.fit(x, y, {.epochs = 20, .batch_size = 16, .verbose = 0});
  EXPECT_LT(model.evaluate(x, y, {.verbose = 0}).get("loss"), 0.5 * before);
}

TEST(ConvModelTest, SaveAndLoadWeightsRoundTripBitExactly) {
  cairn::testing::TempDir dir;
  Sequential model = image_model();
  auto [x, y] = bars(32, 2);
  model.fit(x, y, {.epochs = 2, .batch_size = 16, .verbose = 0});
  const Tensor predictions = model.predict(x);
  for (const std::string& path : {dir.path() + "/ckpt/weights", dir.path() + "/weights.h5",
                                  dir.path() + "/model.weights.h5"}) {
    model.save_weights(path);
    Sequential restored = image_model();
    ASSERT_FALSE(testing::same_weights(model, restored)) << path;
    restored.load_weights(path);
    EXPECT_TRUE(testing::same_weights(model, restored)) << path;
    EXPECT_TRUE(restored.predict(x) == predictions) << path;
  }
}

// Each layer's config without batch_input_shape.
Json layer_configs(const Sequential& model) {
  Json layers = model.get_config()["layers"];
  for (Json& layer : layers) layer["config"].erase("batch_input_shape");
  return layers;
}

TEST(ConvModelTest, WholeModelsSaveAndLoadWithTheirConfigs) {
  cairn::testing::TempDir dir;
  Sequential model = image_model();
  auto [x, y] = bars(32, 4);
  model.fit(x, y, {.epochs = 1, .batch_size = 16, .verbose = 0});
  const Tensor predictions = model.predict(x);
  for (const std::string& path : {dir.path() + "/cnn.h5", dir.path() + "/cnn.keras"}) {
    model.save(path);
    Sequential loaded = load_model(path);
    // The loader moves the first layer's batch_input_shape to the InputLayer.
    EXPECT_EQ(layer_configs(loaded), layer_configs(model)) << path;
    EXPECT_TRUE(loaded.predict(x) == predictions) << path;
  }
}

}  // namespace
}  // namespace cairn::keras
