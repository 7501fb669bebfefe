// ModelCheckpoint with async_save: fit() pauses only to copy the weights,
// yet every checkpoint holds exactly what a synchronous save would have
// written at that epoch, and all of them are committed when fit() returns.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/keras/callbacks/model_checkpoint.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using testing::small_classifier;

// Trains the seeded classifier 4 epochs, checkpointing every epoch into `dir`.
std::shared_ptr<ModelCheckpoint> train_with_checkpoints(const std::string& dir, bool async,
                                                        Sequential* model) {
  auto [x, y] = blobs(120, 3);
  auto cp = std::make_shared<ModelCheckpoint>(
      dir + "/cp-{epoch:04d}.ckpt",
      ModelCheckpointOptions{.save_weights_only = true, .async_save = async});
  model->fit(x, y, {.epochs = 4, .batch_size = 16, .callbacks = {cp}, .verbose = 0});
  return cp;
}

TEST(AsyncModelCheckpointTest, SameCheckpointsAsSynchronousSaves) {
  cairn::testing::TempDir sync_dir, async_dir;
  Sequential sync_model = small_classifier(11);
  train_with_checkpoints(sync_dir.path(), false, &sync_model);
  Sequential async_model = small_classifier(11);
  auto cp = train_with_checkpoints(async_dir.path(), true, &async_model);
  ASSERT_TRUE(testing::same_weights(sync_model, async_model));

  // Committed when fit() returned: the state file names the last epoch.
  EXPECT_EQ(latest_checkpoint(async_dir.path()), async_dir.path() + "/cp-0004.ckpt");
  EXPECT_EQ(cp->save_timings().size(), 4u);
  for (const char* epoch : {"0001", "0002", "0003", "0004"}) {
    const std::string name = std::string("/cp-") + epoch + ".ckpt";
    CheckpointReader expected(sync_dir.path() + name), got(async_dir.path() + name);
    const auto variables = expected.list_variables();
    ASSERT_EQ(variables.size(), got.list_variables().size()) << name;
    for (const VariableInfo& v : variables) {
      // The object graph holds Keras's layer names, numbered per process
      // ("dense" for the first model, "dense_2" for the second).
      if (v.name == "_CHECKPOINTABLE_OBJECT_GRAPH") continue;
      EXPECT_EQ(got.get_tensor(v.name), expected.get_tensor(v.name)) << name << " " << v.name;
    }
  }
  Sequential restored = small_classifier(99);
  restored.load_weights(async_dir.path() + "/cp-0004.ckpt");
  EXPECT_TRUE(testing::same_weights(restored, async_model));
}

TEST(AsyncModelCheckpointTest, H5PathsAreRefused) {
  EXPECT_THROW(ModelCheckpoint("w.h5", {.save_weights_only = true, .async_save = true}),
               InvalidArgumentError);
  EXPECT_THROW(ModelCheckpoint("m.h5", {.async_save = true}), InvalidArgumentError);
}

TEST(AsyncModelCheckpointTest, AFailedBackgroundSaveFailsFit) {
  cairn::testing::TempDir dir;
  // The second epoch's index cannot be renamed into place: a directory holds its name.
  ASSERT_TRUE(default_file_system().create_directories(dir.path() + "/cp-0002.ckpt.index").ok());
  Sequential model = small_classifier(5);
  try {
    train_with_checkpoints(dir.path(), true, &model);
    FAIL() << "fit() returned although a background save failed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cp-0002.ckpt"), std::string::npos) << e.what();
  }
  // The first epoch's checkpoint is intact and restorable.
  Sequential restored = small_classifier(8);
  EXPECT_NO_THROW(restored.load_weights(dir.path() + "/cp-0001.ckpt"));
}

}  // namespace
}  // namespace cairn::keras
