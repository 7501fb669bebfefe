// Issue 19, finding 18: a kill while retention deletes old checkpoints left
// half-deleted bundles that `verify` called DAMAGED, and bundles the state
// file no longer lists were never collected. Now the .index goes first, and
// the next trainer collects exactly the leftovers: never a listed
// checkpoint, a preserved one, a ".previous" copy or another file.
#include "cairn/checkpoint/leftover_checkpoints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

NamedTensors leftover_tensors(int64_t step) {
  return {{"global_step", Tensor::scalar<int64_t>(step)}, {"w", Tensor(DType::kFloat32, {8})}};
}

class LeftoverTest : public ::testing::Test {
 protected:
  std::string prefix(int step) const { return dir_.path() + "/model.ckpt-" + std::to_string(step); }
  bool exists(const std::string& path) const { return std::filesystem::exists(path); }
  // What a kill leaves: step 1 dropped from the state file before its files
  // were deleted, step 2 killed after its .index was deleted.
  void train_and_kill_during_retention() {
    CheckpointManager manager({.directory = dir_.path(), .max_to_keep = 2});
    for (int step = 1; step <= 2; ++step)
      save_variables(prefix(step), leftover_tensors(step), {.update_state_file = false});
    for (int step = 3; step <= 4; ++step) manager.save(step, leftover_tensors(step));
    std::filesystem::remove(prefix(2) + ".index");
  }
  testing::TempDir dir_;
};

TEST_F(LeftoverTest, KillDuringRetentionLeavesOrphansNotDamage) {
  train_and_kill_during_retention();
  std::vector<LeftoverCheckpoint> leftovers = find_leftover_checkpoints(dir_.path());
  ASSERT_EQ(leftovers.size(), 2u);
  EXPECT_EQ(leftovers[0].prefix, prefix(1));
  EXPECT_THAT(leftovers[0].why, HasSubstr("dropped by retention"));
  EXPECT_EQ(leftovers[1].prefix, prefix(2));
  EXPECT_THAT(leftovers[1].why, HasSubstr("incomplete"));
  for (const CheckpointHealth& h : verify_directory(dir_.path())) {
    EXPECT_TRUE(h.ok || h.orphan) << h.prefix << ": " << h.problem;
  }
}

TEST_F(LeftoverTest, NextTrainerCollectsLeftoversUnderTheLock) {
  train_and_kill_during_retention();
  std::ofstream(dir_.path() + "/notes.txt") << "mine";
  DirectoryLock lock(dir_.path(), "train: model_dir");
  std::vector<std::string> log = lock.collect_leftovers();
  EXPECT_EQ(log.size(), 2u);
  for (int step : {1, 2}) {
    EXPECT_FALSE(exists(prefix(step) + ".data-00000-of-00001")) << step;
    EXPECT_FALSE(exists(prefix(step) + ".index")) << step;
  }
  for (int step : {3, 4}) EXPECT_TRUE(verify_checkpoint(prefix(step)).ok) << step;
  EXPECT_TRUE(exists(dir_.path() + "/notes.txt"));
  EXPECT_TRUE(find_leftover_checkpoints(dir_.path()).empty());
}

TEST_F(LeftoverTest, LostOrCorruptStateFileCollectsNothing) {
  train_and_kill_during_retention();
  std::filesystem::remove(dir_.path() + "/checkpoint");
  EXPECT_TRUE(find_leftover_checkpoints(dir_.path()).empty());
  std::ofstream(dir_.path() + "/checkpoint") << "model_checkpoint_path: \"unterminated";
  EXPECT_TRUE(remove_leftover_checkpoints(dir_.path()).empty());
  EXPECT_TRUE(exists(prefix(1) + ".index"));
}

TEST_F(LeftoverTest, PreservedAndPreviousCopiesAreNeverCollected) {
  // keep_checkpoint_every_n_hours of a few microseconds: every checkpoint
  // dropped from the list is preserved (kept on disk, unlisted).
  CheckpointManager manager(
      {.directory = dir_.path(), .max_to_keep = 1, .keep_checkpoint_every_n_hours = 1e-9});
  for (int step = 1; step <= 4; ++step) manager.save(step, leftover_tensors(step));
  save_variables(prefix(2) + ".previous", leftover_tensors(2), {.update_state_file = false});
  std::filesystem::remove(prefix(2) + ".previous.index");
  EXPECT_TRUE(find_leftover_checkpoints(dir_.path()).empty());
  for (int step = 1; step <= 3; ++step) EXPECT_TRUE(exists(prefix(step) + ".index")) << step;
}

TEST_F(LeftoverTest, IncompleteBundleNewerThanTheNewestIsLeftForItsSave) {
  CheckpointManager manager({.directory = dir_.path(), .max_to_keep = 2});
  manager.save(1, leftover_tensors(1));
  save_variables(prefix(2), leftover_tensors(2), {.update_state_file = false});
  std::filesystem::remove(prefix(2) + ".index");
  EXPECT_TRUE(find_leftover_checkpoints(dir_.path()).empty());
}

// A kill between a bundle's commit and the state file naming it, in a
// directory the trainer had just started: the bundle is collected later.
TEST_F(LeftoverTest, BundleOfAKillBeforeItsStateFileUpdateIsCollected) {
  CheckpointState started;            // what the first save writes before the bundle
  started.last_preserved_timestamp =  // when that trainer started
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() -
      1;
  ASSERT_TRUE(write_checkpoint_state(default_file_system(), dir_.path(), started).ok());
  save_variables(prefix(1), leftover_tensors(1), {.update_state_file = false});
  CheckpointManager next({.directory = dir_.path(), .max_to_keep = 2});
  for (int step = 4; step <= 6; ++step) next.save(step, leftover_tensors(step));
  std::vector<LeftoverCheckpoint> leftovers = find_leftover_checkpoints(dir_.path());
  ASSERT_EQ(leftovers.size(), 1u);
  EXPECT_EQ(leftovers[0].prefix, prefix(1));
}

struct RecordingFileSystem : MemoryFileSystem {
  std::vector<std::string> events;  // "rm NAME", "mv NAME"
  Status remove_file(const std::string& path) override {
    events.push_back("rm " + basename(path));
    return MemoryFileSystem::remove_file(path);
  }
  Status rename_file(const std::string& from, const std::string& to) override {
    events.push_back("mv " + basename(to));
    return MemoryFileSystem::rename_file(from, to);
  }
};

TEST(CheckpointManagerLeftoverTest, FirstSaveInAFreshDirectoryWritesTheStateFileFirst) {
  RecordingFileSystem fs;
  CheckpointManager manager({.directory = "/m"}, fs);
  manager.save(1, leftover_tensors(1));
  ASSERT_FALSE(fs.events.empty());
  EXPECT_EQ(fs.events.front(), "mv checkpoint");
}

TEST(RemoveBundleFilesTest, DeletesTheIndexFirst) {
  RecordingFileSystem fs;
  ASSERT_TRUE(fs.create_directories("/m").ok());
  for (const char* name :
       {"model.ckpt-1.data-00000-of-00001", "model.ckpt-1.index", "model.ckpt-1.meta",
        "model.ckpt-1.previous.index", "model.ckpt-10.index"}) {
    ASSERT_TRUE(fs.write_file_atomically(std::string("/m/") + name, "x").ok());
  }
  fs.events.clear();
  remove_bundle_files(fs, "/m/model.ckpt-1");
  ASSERT_EQ(fs.events.size(), 3u);
  EXPECT_EQ(fs.events[0], "rm model.ckpt-1.index");
  EXPECT_TRUE(fs.file_exists("/m/model.ckpt-1.previous.index"));
  EXPECT_TRUE(fs.file_exists("/m/model.ckpt-10.index"));
}

}  // namespace
}  // namespace cairn
