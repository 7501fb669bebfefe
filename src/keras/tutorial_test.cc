// The "Save and restore models" tutorial at a small size, on Fashion-MNIST
// from Debian's dataset-fashion-mnist: every way of restoring gives back the
// trained model's accuracy exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/data/idx.h"
#include "cairn/keras.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

std::pair<Tensor, Tensor> load(const std::string& split, int64_t n) {
  Tensor images = data::read_idx(
      std::string(kFashionMnistDir) + "/" + split + "-images-idx3-ubyte.gz", {.limit = n});
  Tensor labels = data::read_idx(
      std::string(kFashionMnistDir) + "/" + split + "-labels-idx1-ubyte.gz", {.limit = n});
  Tensor x(DType::kFloat32, {n, 784});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.flat<float>()[static_cast<size_t>(i)] =
        images.flat<uint8_t>()[static_cast<size_t>(i)] / 255.0f;
  }
  return {x, labels};  // uint8 labels are accepted as class ids
}

Sequential create_model() {
  Sequential model({Dense(64, {.activation = "relu", .input_shape = Shape{784}}), Dropout(0.2),
                    Dense(10, {.activation = "softmax"})});
  model.compile(
      {.optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

TEST(TutorialTest, EveryRestoreGivesTheTrainedAccuracy) {
  if (!std::filesystem::exists(std::string(kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  cairn::testing::TempDir dir;
  set_random_seed(1);
  auto [train_x, train_y] = load("train", 300);
  auto [test_x, test_y] = load("t10k", 200);
  auto accuracy = [&](Sequential& m) {
    return m.evaluate(test_x, test_y, {.verbose = 0}).get("accuracy");
  };

  Sequential untrained = create_model();
  EXPECT_LT(accuracy(untrained), 0.3);  // chance is 10%

  const std::string dir2 = dir.path() + "/training_2";
  auto every_5 = std::make_shared<ModelCheckpoint>(
      dir2 + "/cp-{epoch:04d}.ckpt",
      ModelCheckpointOptions{.save_weights_only = true, .period = 5});
  Sequential model = create_model();
  model.fit(
      train_x, train_y,
      {.epochs = 10, .validation_data = {{test_x, test_y}}, .callbacks = {every_5}, .verbose = 0});
  const double trained = accuracy(model);
  EXPECT_GT(trained, 0.6);

  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir2)) {
    if (e.path().filename() != ".cairn.lock") files.push_back(e.path().filename());  // as `ls`
  }
  std::sort(files.begin(), files.end());
  EXPECT_THAT(files, ::testing::ElementsAre(
                         "checkpoint", "cp-0005.ckpt.data-00000-of-00001", "cp-0005.ckpt.index",
                         "cp-0010.ckpt.data-00000-of-00001", "cp-0010.ckpt.index"));
  const std::optional<std::string> latest = latest_checkpoint(dir2);
  ASSERT_EQ(latest, dir2 + "/cp-0010.ckpt");
  Sequential from_latest = create_model();
  from_latest.load_weights(*latest);
  EXPECT_EQ(accuracy(from_latest), trained);

  model.save_weights(dir.path() + "/checkpoints/my_checkpoint");
  Sequential manual = create_model();
  manual.load_weights(dir.path() + "/checkpoints/my_checkpoint");
  EXPECT_EQ(accuracy(manual), trained);

  model.save(dir.path() + "/my_model.h5");
  Sequential new_model = load_model(dir.path() + "/my_model.h5");
  EXPECT_EQ(accuracy(new_model), trained);
  EXPECT_EQ(new_model.count_params(), model.count_params());

  // The SavedModel step: a new saved_models/<timestamp>/, recompiled (the
  // optimizer is not restored), the trained accuracy.
  const std::string saved_model_path = save_keras_model(model, dir.path() + "/saved_models");
  EXPECT_EQ(std::filesystem::path(saved_model_path).parent_path(), dir.path() + "/saved_models");
  Sequential from_saved_model = load_model(saved_model_path);
  from_saved_model.compile(
      {.optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  EXPECT_EQ(accuracy(from_saved_model), trained);
}

}  // namespace
}  // namespace cairn::keras
