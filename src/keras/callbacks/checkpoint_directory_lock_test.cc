// Issue 19, finding 23: two Keras fits could write one ModelCheckpoint
// directory at once (the lock covered the Estimator only). Now
// ModelCheckpoint and BackupAndRestore lock the directory they write for
// the whole fit, with the Estimator's lock and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/checkpoint/directory_lock.h"
#include "cairn/core/errors.h"
#include "cairn/keras/callbacks/backup_and_restore.h"
#include "cairn/keras/callbacks/model_checkpoint.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using ::testing::HasSubstr;

// Runs `other`'s fit with `callback` from inside this model's first epoch,
// keeping what it threw.
class FitAnotherModel : public Callback {
 public:
  FitAnotherModel(Sequential* other, std::shared_ptr<Callback> callback)
      : other_(other), callback_(std::move(callback)) {}
  void on_epoch_end(int /*epoch*/, const Logs& /*logs*/) override {
    if (!error.empty()) return;
    auto [x, y] = testing::blobs(30, 2);
    try {
      other_->fit(x, y, {.epochs = 1, .batch_size = 10, .callbacks = {callback_}, .verbose = 0});
      error = "(no error)";
    } catch (const FailedPreconditionError& e) {
      error = e.what();
    }
  }
  std::string error;

 private:
  Sequential* other_;
  std::shared_ptr<Callback> callback_;
};

std::shared_ptr<ModelCheckpoint> weights_checkpoint(const std::string& path) {
  return std::make_shared<ModelCheckpoint>(path, ModelCheckpointOptions{.save_weights_only = true});
}

TEST(KerasDirectoryLockTest, TwoKerasFitsCannotWriteOneCheckpointDirectory) {
  cairn::testing::TempDir tmp;
  Sequential first = testing::small_classifier(1), second = testing::small_classifier(2);
  auto intruder =
      std::make_shared<FitAnotherModel>(&second, weights_checkpoint(tmp.path() + "/b.ckpt"));
  auto [x, y] = testing::blobs(30, 1);
  first.fit(x, y,
            {.epochs = 2,
             .batch_size = 10,
             .callbacks = {weights_checkpoint(tmp.path() + "/a.ckpt"), intruder},
             .verbose = 0});
  EXPECT_THAT(intruder->error, HasSubstr("ModelCheckpoint: directory " + tmp.path()));
  EXPECT_THAT(intruder->error, HasSubstr(lock_holder_description()));
  EXPECT_THAT(intruder->error, HasSubstr(tmp.path() + "/.cairn.lock"));
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/b.ckpt.index"));
  EXPECT_TRUE(std::filesystem::exists(tmp.path() + "/a.ckpt.index"));
}

TEST(KerasDirectoryLockTest, KerasFitFailsWhileATrainerHoldsTheDirectory) {
  cairn::testing::TempDir tmp;
  DirectoryLock trainer(tmp.path(), "train: model_dir");
  Sequential model = testing::small_classifier(3);
  auto [x, y] = testing::blobs(30, 1);
  auto backup = std::make_shared<BackupAndRestore>(tmp.path());
  EXPECT_THROW(model.fit(x, y, {.epochs = 1, .callbacks = {backup}, .verbose = 0}),
               FailedPreconditionError);
}

TEST(KerasDirectoryLockTest, CallbacksOfOneFitShareADirectoryAndReleaseIt) {
  cairn::testing::TempDir tmp;
  Sequential model = testing::small_classifier(4);
  auto [x, y] = testing::blobs(30, 1);
  auto best = std::make_shared<ModelCheckpoint>(
      tmp.path() + "/best.h5", ModelCheckpointOptions{.monitor = "loss", .save_best_only = true});
  for (int run = 0; run < 2; ++run) {  // the second fit finds the lock released
    model.fit(x, y,
              {.epochs = 1,
               .batch_size = 10,
               .callbacks = {best, weights_checkpoint(tmp.path() + "/last.ckpt")},
               .verbose = 0});
  }
  EXPECT_TRUE(std::filesystem::exists(tmp.path() + "/best.h5"));
  EXPECT_TRUE(std::filesystem::exists(tmp.path() + "/last.ckpt.index"));
  DirectoryLock free_again(tmp.path(), "train: model_dir");
}

}  // namespace
}  // namespace cairn::keras
