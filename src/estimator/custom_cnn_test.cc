// A CNN model_fn on Fashion-MNIST (Debian's dataset-fashion-mnist) through
// the same Estimator: Conv2D, MaxPooling2D and Dense layers from the
// features' Input, trained, resumed, evaluated and served by the SavedModel
// runner we wrote for TensorFlow's exports.
#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/data/idx.h"
#include "cairn/estimator/estimator.h"
#include "cairn/keras.h"
#include "cairn/serving/saved_model_runner.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

constexpr char kFashionDir[] = "/usr/share/datasets/fashion-mnist";

// The first `n` images of a split as "image" [n, 784] in [0, 1], labels [n, 1].
data::Dataset fashion(const std::string& split, int64_t n) {
  const std::string prefix = std::string(kFashionDir) + "/" + split;
  Tensor images = data::read_idx(prefix + "-images-idx3-ubyte.gz", {.limit = n});
  Tensor labels = data::read_idx(prefix + "-labels-idx1-ubyte.gz", {.limit = n});
  nn::Matrix x(n, 784), y(n, 1);
  for (int64_t i = 0; i < n * 784; ++i) x.data()[i] = images.flat<uint8_t>()[i] / 255.0f;
  for (int64_t i = 0; i < n; ++i) y(i, 0) = labels.flat<uint8_t>()[i];
  return data::Dataset::from_tensors({{"image", x}}, y);
}

EstimatorSpec cnn_model_fn(Features& features, const Labels& labels, ModeKeys mode, const Params&) {
  keras::KerasTensor x = keras::Reshape({28, 28, 1})(features["image"]);
  x = keras::Conv2D(8, {3, 3}, {.activation = "relu"})(x);
  x = keras::MaxPooling2D({2, 2})(x);
  x = keras::Conv2D(16, {3, 3}, {.activation = "relu"})(x);
  x = keras::MaxPooling2D({2, 2})(x);
  x = keras::Flatten()(x);
  keras::KerasTensor logits = keras::Dense(10)(x);
  Output classes = argmax(logits);
  return {.mode = mode,
          .predictions = {{"class_ids", classes}, {"probabilities", softmax(logits)}},
          .loss = losses::sparse_softmax_cross_entropy(labels, logits),
          .optimizer = OptimizerSettings{"Adam", 0.003},
          .eval_metric_ops = {{"accuracy", metrics::accuracy(labels, classes)}}};
}

TEST(CustomCnnEstimatorTest, FashionMnistTrainsResumesEvaluatesAndServes) {
  if (!std::filesystem::exists(kFashionDir))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  cairn::testing::TempDir tmp;
  EstimatorOptions options{.model_dir = tmp.path() + "/cnn"};
  options.config.tf_random_seed = 1;
  options.config.log = [](const std::string&) {};
  const data::Dataset train = fashion("train", 4000), test = fashion("t10k", 1000);
  auto train_fn = [&] { return train.shuffle(4000, 3).repeat().batch(50); };
  Estimator cnn(cnn_model_fn, options);
  cnn.train(train_fn, {.steps = 200});
  cnn.train(train_fn, {.steps = 200});  // resumes from model.ckpt-200
  EXPECT_EQ(cnn.latest_checkpoint(), tmp.path() + "/cnn/model.ckpt-400");
  const EvalResult result = cnn.evaluate([&] { return test.batch(250); });
  EXPECT_EQ(result.global_step, 400);
  EXPECT_GE(result["accuracy"], 0.75) << "loss " << result["loss"];
  std::printf("Fashion-MNIST CNN model_fn: accuracy %.4f, loss %.4f after 400 steps of 50\n",
              result["accuracy"], result["loss"]);

  // The SavedModel serves the same classes as predict().
  const std::string exported = cnn.export_saved_model(tmp.path() + "/export");
  serving::SavedModel served = serving::SavedModel::load(exported);
  data::Batch batch = *test.batch(20).make_iterator().next();
  Tensor images(DType::kFloat32, {20, 784});
  std::copy_n(batch.features["image"].data(), 20 * 784, images.flat<float>().data());
  std::map<std::string, Tensor> out = served.run("serving_default", {{"image", images}});
  const std::vector<Prediction> predicted = cnn.predict([&] { return test.batch(250); });
  ASSERT_EQ(predicted.size(), 1000u);
  for (size_t r = 0; r < 20; ++r) {
    EXPECT_EQ(out.at("class_ids").flat<int64_t>()[r], predicted[r].class_id) << r;
    EXPECT_NEAR(out.at("probabilities").flat<float>()[r * 10 + 3], predicted[r].probabilities[3],
                1e-5);
  }
}

}  // namespace
}  // namespace cairn::estimator
