// The callbacks on a functional keras::Model, as on a Sequential:
// ModelCheckpoint writes per-epoch TF checkpoints and whole .h5 models that
// load back, EarlyStopping ends fit(), and BackupAndRestore resumes an
// interrupted fit() to the weights of an uninterrupted one, bit for bit.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/callbacks/callbacks.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/model.h"
#include "keras/keras_test_util.h"
#include "nn/gradient_check.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

Model pair_model(uint64_t seed) {
  set_random_seed(seed);
  KerasTensor a = Input({4}, "a"), b = Input({4}, "b");
  Dense shared(5, {.activation = "relu", .name = "shared"});
  KerasTensor both = Concatenate({.name = "both"})({shared(a), shared(b)});
  KerasTensor out = Dense(2, {.activation = "softmax", .name = "out"})(both);
  Model model({a, b}, {out}, "pair");
  model.compile({.optimizer = "adam", .loss = {"sparse_categorical_crossentropy"}});
  return model;
}

struct PairData {
  Tensor a = nn::to_tensor(nn::testing::random_matrix(40, 4, 1));
  Tensor b = nn::to_tensor(nn::testing::random_matrix(40, 4, 2));
  Tensor y = [] {
    std::vector<int64_t> ids(40);
    for (int i = 0; i < 40; ++i) ids[i] = (i * 7) % 3 == 0 ? 1 : 0;
    return Tensor::from_vector<int64_t>(ids, {40});
  }();
};

TEST(FunctionalCallbacks, ModelCheckpointWritesWeightsAndWholeModels) {
  cairn::testing::TempDir dir;
  const PairData d;
  Model model = pair_model(1);
  auto weights = std::make_shared<ModelCheckpoint>(
      dir.path() + "/cp-{epoch:04d}.ckpt", ModelCheckpointOptions{.save_weights_only = true});
  auto whole = std::make_shared<ModelCheckpoint>(dir.path() + "/last.h5", ModelCheckpointOptions{});
  model.fit({d.a, d.b}, d.y,
            {.epochs = 2, .batch_size = 8, .callbacks = {weights, whole}, .verbose = 0});
  for (const char* file : {"/cp-0001.ckpt.index", "/cp-0002.ckpt.index", "/last.h5"}) {
    EXPECT_TRUE(default_file_system().file_exists(dir.path() + file)) << file;
  }
  Model from_ckpt = pair_model(2);
  from_ckpt.load_weights(dir.path() + "/cp-0002.ckpt");
  EXPECT_TRUE(testing::same_weights(model, from_ckpt));
  Model from_h5 = load_functional_model(dir.path() + "/last.h5");
  EXPECT_TRUE(testing::same_weights(model, from_h5));
  EXPECT_EQ(from_h5.optimizer()->iterations(), model.optimizer()->iterations());
}

TEST(FunctionalCallbacks, EarlyStoppingEndsFit) {
  const PairData d;
  Model model = pair_model(3);
  auto stop = std::make_shared<EarlyStopping>(
      EarlyStoppingOptions{.monitor = "loss", .mode = "min", .baseline = -1.0});
  History h = model.fit({d.a, d.b}, d.y, {.epochs = 10, .callbacks = {stop}, .verbose = 0});
  EXPECT_EQ(h.epoch.size(), 2u);  // as Keras: never stopped after the first epoch
}

TEST(FunctionalCallbacks, BackupAndRestoreResumesToTheUninterruptedWeights) {
  cairn::testing::TempDir dir;
  const PairData d;
  const ModelFitOptions plain{.epochs = 5, .batch_size = 8, .verbose = 0};
  Model reference = pair_model(4);
  reference.fit({d.a, d.b}, d.y, plain);

  // One callback for both fits, as after an exception in a notebook: the
  // interrupted fit's directory lock must not block the next one.
  auto backup = std::make_shared<BackupAndRestore>(dir.path() + "/backup");
  Model first = pair_model(4);
  ModelFitOptions interrupted = plain;
  interrupted.callbacks = {backup, std::make_shared<testing::FailAtEpoch>(3)};
  EXPECT_THROW(first.fit({d.a, d.b}, d.y, interrupted), UnavailableError);

  Model second = pair_model(5);  // another seed: the backup brings the first's back
  ModelFitOptions resumed = plain;
  resumed.callbacks = {backup};
  History h = second.fit({d.a, d.b}, d.y, resumed);
  EXPECT_EQ(h.epoch, (std::vector<int>{3, 4}));
  EXPECT_TRUE(testing::same_weights(reference, second));
}

}  // namespace
}  // namespace cairn::keras
