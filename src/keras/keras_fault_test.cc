// A Keras fit with ModelCheckpoint (TF-format weights and whole-model .h5
// files, every epoch) under disk faults at every position they can strike:
// a full disk (ENOSPC), a failed fsync, a failed rename, each injected at
// every operation of its kind that the fit makes. Each time fit throws an
// error naming a file of the checkpoint directory; every file the earlier
// fit left keeps its bytes; no checkpoint is damaged; and the next run, with
// the disk healthy again, loads the newest intact checkpoint (load_weights
// of the directory) and trains on from it.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/keras/callbacks/model_checkpoint.h"
#include "keras/keras_test_util.h"
#include "testing/fault_checks.h"

namespace cairn::keras {
namespace {

using cairn::testing::FaultOutcome;
using cairn::testing::Files;

constexpr const char* kDir = "/k/ckpt";

// The epoch (from 1) of a checkpoint "/k/ckpt/cp-NN.ckpt".
int epoch_of(const std::string& prefix) {
  return std::stoi(prefix.substr(prefix.rfind("cp-") + 3, 2));
}

// One run as a user resumes training: a fresh model loads the newest intact
// checkpoint of kDir (none at first), and fit() trains `epochs` more epochs,
// saving the weights and the whole model after each. Returns the model.
Sequential run(FileSystem& fs, int from_epoch, int epochs) {
  Sequential model = testing::small_classifier(3);
  model.set_file_system(fs);
  if (from_epoch > 0) model.load_weights(kDir);
  auto [x, y] = testing::blobs(48, 2);
  FitOptions fit{.epochs = from_epoch + epochs, .batch_size = 16, .verbose = 0};
  fit.initial_epoch = from_epoch;
  fit.callbacks = {
      std::make_shared<ModelCheckpoint>(std::string(kDir) + "/cp-{epoch:02d}.ckpt",
                                        ModelCheckpointOptions{.save_weights_only = true}),
      std::make_shared<ModelCheckpoint>(std::string(kDir) + "/model-{epoch:02d}.h5")};
  model.fit(x, y, fit);
  return model;
}

// What every faulted fit (epochs 3 and 4) must leave behind.
void check(const Files& before, const FaultOutcome& o) {
  const std::string where = cairn::testing::describe(o);
  const std::string prefix = cairn::testing::expect_earlier_files_kept(before, o, kDir);
  if (prefix.empty()) return;
  EXPECT_EQ(latest_checkpoint(kDir, o.memory), prefix) << where;

  // The disk is healthy again: the next run loads that checkpoint and trains on.
  const int epoch = epoch_of(prefix);
  Sequential resumed = run(o.memory, epoch, 1);
  const std::string next =
      std::string(kDir) + "/cp-" + (epoch < 9 ? "0" : "") + std::to_string(epoch + 1) + ".ckpt";
  EXPECT_EQ(latest_checkpoint(kDir, o.memory), next) << where;
  EXPECT_TRUE(verify_checkpoint(next, o.memory).ok) << where;
  Sequential reloaded = testing::small_classifier(4);
  reloaded.set_file_system(o.memory);
  reloaded.load_weights(kDir);
  EXPECT_TRUE(testing::same_weights(reloaded, resumed)) << where;
}

// load_weights of the directory takes exactly the checkpoint the state file
// names, so the resumed run starts from its weights.
TEST(KerasFaultTest, ResumedRunStartsFromTheNewestCheckpoint) {
  MemoryFileSystem memory;
  Sequential first = run(memory, 0, 2);
  Sequential loaded = testing::small_classifier(4);
  loaded.set_file_system(memory);
  loaded.load_weights(kDir);
  EXPECT_TRUE(testing::same_weights(loaded, first));
}

class KerasFaultTest : public ::testing::TestWithParam<Fault> {};

TEST_P(KerasFaultTest, FitWithModelCheckpointSurvivesTheFaultAtEveryPosition) {
  MemoryFileSystem memory;
  run(memory, 0, 2);  // cp-01, cp-02, model-01.h5, model-02.h5
  const Files before = cairn::testing::files_under(memory, kDir);
  const int64_t positions = cairn::testing::inject_at_every_position(
      before, GetParam(), [](FileSystem& fs) { run(fs, 2, 2); },
      [&](const FaultOutcome& o) { check(before, o); });
  std::cout << "Keras fit with ModelCheckpoint, " << cairn::testing::fault_name(GetParam()) << ": "
            << positions << " positions, each survived\n";
  EXPECT_GT(positions, 2);
}

INSTANTIATE_TEST_SUITE_P(EveryFault, KerasFaultTest,
                         ::testing::Values(Fault::kNoSpace, Fault::kSyncError,
                                           Fault::kRenameError));

}  // namespace
}  // namespace cairn::keras
