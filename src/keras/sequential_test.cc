#include "cairn/keras/sequential.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "cairn/core/errors.h"
#include "keras/keras_test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using ::testing::HasSubstr;
using testing::small_classifier;

Sequential tutorial_model() {
  return Sequential({Dense(512, {.activation = "relu", .input_shape = Shape{784}}), Dropout(0.2),
                     Dense(10, {.activation = "softmax"})});
}

TEST(SequentialTest, SummaryIsKerasTableForTheTutorialModel) {
  clear_session();
  Sequential model = tutorial_model();
  const std::string expected =
      "Model: \"sequential\"\n"
      "_________________________________________________________________\n"
      "Layer (type)                 Output Shape              Param #   \n"
      "=================================================================\n"
      "dense (Dense)                (None, 512)               401920    \n"
      "_________________________________________________________________\n"
      "dropout (Dropout)            (None, 512)               0         \n"
      "_________________________________________________________________\n"
      "dense_1 (Dense)              (None, 10)                5130      \n"
      "=================================================================\n"
      "Total params: 407,050\n"
      "Trainable params: 407,050\n"
      "Non-trainable params: 0\n"
      "_________________________________________________________________\n";
  EXPECT_EQ(model.summary_string(), expected);
  EXPECT_EQ(model.count_params(), 407050);
}

TEST(SequentialTest, NamesCountPerClassLikeKeras) {
  clear_session();
  Sequential a = tutorial_model(), b = tutorial_model();
  EXPECT_EQ(b.name(), "sequential_1");
  EXPECT_EQ(b.layers()[0]->name(), "dense_2");
  EXPECT_EQ(b.layers()[1]->name(), "dropout_1");
  EXPECT_EQ(b.weights()[0]->name, "dense_2/kernel");
}

TEST(SequentialTest, SummaryBeforeBuildIsAClearError) {
  Sequential model({Dense(3)});
  EXPECT_THROW(model.summary_string(), FailedPreconditionError);
}

TEST(SequentialTest, FlattenFeedsDense) {
  clear_session();
  Sequential model({Flatten({.input_shape = Shape{28, 28}}), Dense(10)});
  EXPECT_THAT(model.summary_string(), HasSubstr("flatten (Flatten)            (None, 784)"));
  EXPECT_EQ(model.count_params(), 7850);
}

TEST(SequentialTest, DenseOnUnflattenedInputAppliesToTheLastAxis) {
  // As Keras: (28, 28) -> (28, 10), with a 28 x 10 kernel.
  Sequential model({Dense(10, {.input_shape = Shape{28, 28}})});
  EXPECT_EQ(model.layers()[0]->output_shape(), (Shape{28, 10}));
  EXPECT_EQ(model.count_params(), 290);
}

TEST(SequentialTest, FitLearnsAndReportsHistory) {
  auto [x, y] = blobs(300, 1);
  Sequential model = small_classifier();
  History h =
      model.fit(x, y, {.epochs = 20, .batch_size = 16, .validation_split = 0.2, .verbose = 0});
  ASSERT_EQ(h.epoch.size(), 20u);
  EXPECT_EQ(h.epoch.front(), 0);
  for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy"}) {
    ASSERT_EQ(h.history[key].size(), 20u) << key;
  }
  EXPECT_LT(h.history["loss"].back(), h.history["loss"].front());
  EXPECT_GT(h.history["val_accuracy"].back(), 0.9);
  Logs result = model.evaluate(x, y, {.verbose = 0});
  EXPECT_GT(result.get("accuracy"), 0.9);
  EXPECT_EQ(result.begin()->first, "loss");
}

TEST(SequentialTest, PredictIgnoresDropoutAndIsDeterministic) {
  auto [x, y] = blobs(30, 2);
  Sequential model = small_classifier();
  model.fit(x, y, {.epochs = 2, .verbose = 0});
  Tensor p1 = model.predict(x), p2 = model.predict(x), p3 = model.predict(x, /*batch_size=*/7);
  EXPECT_TRUE(p1 == p2);
  for (size_t i = 0; i < 90; ++i) EXPECT_NEAR(p1.flat<float>()[i], p3.flat<float>()[i], 1e-6f);
  ASSERT_EQ(p1.shape(), (TensorShape{30, 3}));
  for (int64_t i = 0; i < 30; ++i) {
    float sum = 0;
    for (int64_t j = 0; j < 3; ++j) sum += p1.flat<float>()[static_cast<size_t>(i * 3 + j)];
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
  }
}

TEST(SequentialTest, SameSeedSameWeights) {
  auto [x, y] = blobs(60, 3);
  Sequential a = small_classifier(11), b = small_classifier(11);
  a.fit(x, y, {.epochs = 3, .verbose = 0});
  b.fit(x, y, {.epochs = 3, .verbose = 0});
  EXPECT_TRUE(testing::same_weights(a, b));
}

TEST(SequentialTest, ProgressWithoutTerminalIsOneLinePerEpoch) {
  auto [x, y] = blobs(64, 4);
  Sequential model = small_classifier();
  std::ostringstream out;
  model.set_output(out);
  model.fit(x, y, {.epochs = 2, .batch_size = 32, .validation_data = {{x, y}}, .verbose = 1});
  const std::regex line(
      R"(2/2 \[==============================\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - )"
      R"(accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}\n)");
  const std::string text = out.str();
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_THAT(text, HasSubstr("Epoch 1/2\n"));
  EXPECT_THAT(text, HasSubstr("Epoch 2/2\n"));
  EXPECT_EQ(
      std::distance(std::sregex_iterator(text.begin(), text.end(), line), std::sregex_iterator()),
      2)
      << text;
}

TEST(SequentialTest, VerboseTwoAndZero) {
  auto [x, y] = blobs(64, 4);
  Sequential model = small_classifier();
  std::ostringstream two, zero;
  model.set_output(two);
  model.fit(x, y, {.epochs = 1, .verbose = 2});
  EXPECT_TRUE(std::regex_match(
      two.str(), std::regex(R"(Epoch 1/1\n2/2 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n)")))
      << two.str();
  model.set_output(zero);
  model.fit(x, y, {.epochs = 1, .verbose = 0});
  model.evaluate(x, y, {.verbose = 0});
  EXPECT_EQ(zero.str(), "");
}

TEST(SequentialTest, InitialEpochSkipsEpochs) {
  auto [x, y] = blobs(30, 5);
  Sequential model = small_classifier();
  History h = model.fit(x, y, {.epochs = 5, .verbose = 0, .initial_epoch = 3});
  EXPECT_EQ(h.epoch, (std::vector<int>{3, 4}));
}

TEST(SequentialTest, ClearErrors) {
  auto [x, y] = blobs(30, 6);
  Sequential uncompiled({Dense(3, {.activation = "softmax", .input_shape = Shape{4}})});
  EXPECT_THROW(uncompiled.fit(x, y, {.verbose = 0}), FailedPreconditionError);
  Sequential model = small_classifier();
  Tensor wide(DType::kFloat32, {30, 5});
  EXPECT_THROW(model.fit(wide, y, {.verbose = 0}), InvalidArgumentError);
  Tensor bad_labels = Tensor::from_vector<int64_t>(std::vector<int64_t>(30, 3), {30});
  try {
    model.fit(x, bad_labels, {.verbose = 0});
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("[0, 3)"));
  }
  Tensor short_y = Tensor::from_vector<int64_t>({0, 1}, {2});
  EXPECT_THROW(model.fit(x, short_y, {.verbose = 0}), InvalidArgumentError);
  EXPECT_THROW(model.compile({.loss = "hinge"}), InvalidArgumentError);
  EXPECT_THROW(model.compile({.loss = "mse", .metrics = {"auc"}}), InvalidArgumentError);
  EXPECT_THROW(model.compile({.optimizer = "lamb", .loss = "mse"}), InvalidArgumentError);
  EXPECT_THROW(Dense(4, {.activation = "mish"}), InvalidArgumentError);
  EXPECT_THROW(Dropout(1.0), InvalidArgumentError);
}

TEST(SequentialTest, RegressionWithMseAndMae) {
  set_random_seed(3);
  Tensor x(DType::kFloat32, {64, 1}), y(DType::kFloat32, {64, 1});
  for (int i = 0; i < 64; ++i) {
    x.flat<float>()[i] = static_cast<float>(i) / 64.0f;
    y.flat<float>()[i] = 0.5f * x.flat<float>()[i] + 2.0f;
  }
  Sequential model({Dense(1, {.input_shape = Shape{1}})});
  model.compile({.optimizer = SGD{.learning_rate = 0.5}, .loss = "mse", .metrics = {"mae"}});
  model.fit(x, y, {.epochs = 200, .batch_size = 64, .verbose = 0});
  Logs r = model.evaluate(x, y, {.verbose = 0});
  EXPECT_LT(r.get("loss"), 1e-4);
  EXPECT_LT(r.get("mae"), 1e-2);
}

}  // namespace
}  // namespace cairn::keras
