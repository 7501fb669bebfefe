// Sequential end to end on N-d samples: inputs of any rank, and outputs of
// rank 2 or more whose losses and metrics Keras computes per vector of the
// last axis (a Dense on (timesteps, features) trained per timestep).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/reshape.h"
#include "keras/layers/layer_checks.h"

namespace cairn::keras {
namespace {

// Class ids in [0, classes): [n, steps] int64.
Tensor class_ids(int64_t n, int64_t steps, int64_t classes) {
  Tensor y(DType::kInt64, {n, steps});
  for (int64_t i = 0; i < n * steps; ++i)
    y.flat<int64_t>()[static_cast<size_t>(i)] = i * 7 % classes;
  return y;
}

Sequential tagger() {
  set_random_seed(11);
  return Sequential({Dense(3, {.activation = "softmax", .input_shape = Shape{4, 2}})});
}

TEST(SequentialNdTest, LossAndAccuracyArePerPositionAsKeras) {
  Sequential model = tagger();
  model.compile(
      {.optimizer = "sgd", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  const Tensor x = testing::random_samples(5, {4, 2}, 1), y = class_ids(5, 4, 3);
  const Tensor p = model.predict(x);
  ASSERT_EQ(p.shape(), (TensorShape{5, 4, 3}));
  double loss = 0, correct = 0;
  for (int64_t i = 0; i < 20; ++i) {
    const auto id = static_cast<int64_t>(y.flat<int64_t>()[static_cast<size_t>(i)]);
    const float* probs = p.flat<float>().data() + i * 3;
    loss -= std::log(probs[id]);
    correct += std::max_element(probs, probs + 3) - probs == id ? 1 : 0;
  }
  const Logs logs = model.evaluate(x, y, {.verbose = 0});
  EXPECT_NEAR(logs.get("loss"), loss / 20, 1e-5);
  EXPECT_NEAR(logs.get("accuracy"), correct / 20, 1e-6);
}

TEST(SequentialNdTest, PerPositionGradientEqualsNumeric) {
  Sequential model = tagger();
  model.compile(
      {.optimizer = SGD{.learning_rate = 1.0}, .loss = "sparse_categorical_crossentropy"});
  const Tensor x = testing::random_samples(5, {4, 2}, 2), y = class_ids(5, 4, 3);
  nn::Variable& kernel = *model.weights()[0];
  const Tensor before = kernel.value;
  const nn::Matrix numeric = nn::testing::numeric_gradient(
      [&](const nn::Matrix& value) {
        std::copy(value.data(), value.data() + value.size(), kernel.value.flat<float>().begin());
        const double loss = model.evaluate(x, y, {.batch_size = 64, .verbose = 0}).get("loss");
        kernel.value = before;
        return loss;
      },
      nn::Matrix(nn::as_matrix(before)), 2e-3f);
  model.fit(x, y, {.epochs = 1, .batch_size = 64, .shuffle = false, .verbose = 0});
  const nn::Matrix step =
      nn::Matrix(nn::as_matrix(before)) - nn::Matrix(nn::as_matrix(kernel.value));
  nn::testing::expect_gradients_near(step, numeric, "kernel");
}

TEST(SequentialNdTest, ImageModelFitsEvaluatesAndPredictsInItsShapes) {
  set_random_seed(12);
  Sequential model({Dense(4, {.activation = "relu", .input_shape = Shape{6, 6, 2}}),
                    MaxPooling2D({2, 2}), Dense(2, {.activation = "sigmoid"})});
  model.compile({.optimizer = Adam{.learning_rate = 0.05},
                 .loss = "binary_crossentropy",
                 .metrics = {"accuracy"}});
  const Tensor x = testing::random_samples(32, {6, 6, 2}, 3);
  // 1 where the 2x2 window's first channel has a positive value: learnable
  // as relu(a x) pooled by the max, then a sigmoid.
  Tensor y(DType::kFloat32, {32, 3, 3, 2});
  const auto in = x.flat<float>();
  for (int64_t b = 0; b < 32; ++b) {
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 3; ++j) {
        float max = -1;
        for (int64_t h : {2 * i, 2 * i + 1}) {
          for (int64_t w : {2 * j, 2 * j + 1}) {
            max = std::max(max, in[static_cast<size_t>(((b * 6 + h) * 6 + w) * 2)]);
          }
        }
        for (int64_t c = 0; c < 2; ++c) {
          y.flat<float>()[static_cast<size_t>(((b * 3 + i) * 3 + j) * 2 + c)] = max > 0 ? 1 : 0;
        }
      }
    }
  }
  const History h = model.fit(x, y, {.epochs = 30, .batch_size = 8, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  EXPECT_GT(model.evaluate(x, y, {.verbose = 0}).get("accuracy"), 0.75);
  EXPECT_EQ(model.predict(x).shape(), (TensorShape{32, 3, 3, 2}));
  // Targets that are not one vector per output position are refused.
  EXPECT_THROW(model.evaluate(x, testing::random_samples(32, {5}, 4), {.verbose = 0}),
               InvalidArgumentError);
  EXPECT_THROW(model.predict(testing::random_samples(2, {6, 6}, 5)), InvalidArgumentError);
}

TEST(SequentialNdTest, InputOfAnyRankBuildsAndRoundTripsThroughTheConfig) {
  Sequential model({Input({4, 2, 3}), Dense(5), GlobalMaxPooling2D()});
  ASSERT_TRUE(model.built());
  EXPECT_EQ(model.input_shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(model.layers().back()->output_shape(), (Shape{5}));
  const Json config = internal::model_config_json(model);
  EXPECT_EQ(config["config"]["layers"][0]["config"]["batch_input_shape"],
            Json::parse("[null, 4, 2, 3]"));
  Sequential again = internal::model_from_config(config);
  EXPECT_EQ(again.input_shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(again.count_params(), 3 * 5 + 5);
  // Keras 3 spells the input's shape batch_shape.
  Json keras3 = config;
  keras3["config"]["layers"][0]["config"].erase("batch_input_shape");
  keras3["config"]["layers"][0]["config"]["batch_shape"] = Json::parse("[null, 4, 2, 3]");
  EXPECT_EQ(internal::model_from_config(keras3).input_shape(), (Shape{4, 2, 3}));
}

TEST(SequentialNdTest, WholeModelsSaveAndLoadInEveryFormat) {
  set_random_seed(13);
  Sequential model({Input({6, 4}), Dense(3, {.activation = "relu"}), MaxPooling1D(2),
                    Permute({2, 1}), GlobalAveragePooling1D(), RepeatVector(2),
                    Dense(2, {.activation = "softmax"})});
  model.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
  const Tensor x = testing::random_samples(8, {6, 4}, 7);
  model.fit(x, class_ids(8, 2, 2), {.epochs = 2, .verbose = 0});
  MemoryFileSystem files;
  model.set_file_system(files);
  // (A SavedModel directory needs the exporters to have these layers: later.)
  for (const char* path : {"/m/model.h5", "/m/model.keras"}) {
    model.save(path);
    Sequential loaded = load_model(path, files);
    EXPECT_EQ(loaded.summary_string(), model.summary_string()) << path;
    EXPECT_TRUE(loaded.predict(x) == model.predict(x)) << path;
  }
}

TEST(SequentialNdTest, SummaryRowsAsKerasPrintsThem) {
  Sequential model({Dense(8, {.input_shape = Shape{10, 4}, .name = "dense"}),
                    MaxPooling1D(2, {.name = "max_pooling1d"}),
                    Reshape({8, 5}, {.name = "reshape"}), Permute({2, 1}, {.name = "permute"}),
                    GlobalAveragePooling1D({.name = "global_average_pooling1d"}),
                    RepeatVector(3, {.name = "repeat_vector"}), Dense(1, {.name = "dense_1"})},
                   "sequential");
  // Keras 2.4's model.summary() of the same model.
  const std::string expected =
      "Model: \"sequential\"\n"
      "_________________________________________________________________\n"
      "Layer (type)                 Output Shape              Param #   \n"
      "=================================================================\n"
      "dense (Dense)                (None, 10, 8)             40        \n"
      "_________________________________________________________________\n"
      "max_pooling1d (MaxPooling1D) (None, 5, 8)              0         \n"
      "_________________________________________________________________\n"
      "reshape (Reshape)            (None, 8, 5)              0         \n"
      "_________________________________________________________________\n"
      "permute (Permute)            (None, 5, 8)              0         \n"
      "_________________________________________________________________\n"
      "global_average_pooling1d (Gl (None, 8)                 0         \n"
      "_________________________________________________________________\n"
      "repeat_vector (RepeatVector) (None, 3, 8)              0         \n"
      "_________________________________________________________________\n"
      "dense_1 (Dense)              (None, 3, 1)              9         \n"
      "=================================================================\n"
      "Total params: 49\n"
      "Trainable params: 49\n"
      "Non-trainable params: 0\n"
      "_________________________________________________________________\n";
  EXPECT_EQ(model.summary_string(), expected);
}

}  // namespace
}  // namespace cairn::keras
