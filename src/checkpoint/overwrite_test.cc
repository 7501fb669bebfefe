// Saving again under the same prefix (Keras's "cp.ckpt" every epoch): the
// old bundle is kept as "<prefix>.previous" until the new one is in place,
// so a crash between the data and index renames never loses the last
// complete checkpoint, and a normal overwrite leaves nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/io/fault_injecting_file_system.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

NamedTensors weights(float value) {
  return {{"w", Tensor::from_vector<float>({value, value, value, value}, {4})}};
}

float first_weight(const std::string& prefix, FileSystem& fs) {
  return CheckpointReader(prefix, fs).get_tensor("w").flat<float>()[0];
}

TEST(OverwriteTest, SavingTwiceLeavesOnlyTheNewBundle) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/cp.ckpt";
  save_variables(prefix, weights(1));
  save_variables(prefix, weights(2));
  EXPECT_THAT(value_or_throw(default_file_system().list_directory(dir.path())),
              ::testing::ElementsAre("checkpoint", "cp.ckpt.data-00000-of-00001", "cp.ckpt.index"));
  EXPECT_EQ(first_weight(prefix, default_file_system()), 2.0f);
}

// A crash after the new data file replaced the old one but before the new
// index did: simulated by failing that rename.
TEST(OverwriteTest, InterruptedOverwriteFallsBackToThePreviousBundle) {
  MemoryFileSystem memory;
  FaultInjectingFileSystem fs(memory);
  save_variables("/m/cp.ckpt", weights(1), {}, fs);
  fs.inject(Fault::kRenameError, 1);  // rename 0: the data file; rename 1: the index
  EXPECT_THROW(save_variables("/m/cp.ckpt", weights(2), {}, fs), Error);
  EXPECT_FALSE(verify_checkpoint("/m/cp.ckpt", memory).ok) << "new data under the old index";
  std::optional<RestoreChoice> choice = newest_intact_checkpoint("/m", {}, memory);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, "/m/cp.ckpt.previous");
  EXPECT_THAT(choice->skipped.at(0), ::testing::HasSubstr("/m/cp.ckpt is damaged"));
  EXPECT_EQ(first_weight(choice->prefix, memory), 1.0f);
  // The next save repairs the prefix and drops the kept copy.
  fs.clear();
  save_variables("/m/cp.ckpt", weights(3), {}, fs);
  EXPECT_TRUE(verify_checkpoint("/m/cp.ckpt", memory).ok);
  EXPECT_FALSE(memory.file_exists("/m/cp.ckpt.previous.index"));
  EXPECT_EQ(first_weight("/m/cp.ckpt", memory), 3.0f);
}

// Found by the Keras crash test (issue 19): a second overwrite cut short
// after an earlier one linked the mixed prefix (new data, old index) over
// the intact ".previous" copy, and no intact bundle was left.
TEST(OverwriteTest, TwoInterruptedOverwritesInARowKeepAnIntactCopy) {
  MemoryFileSystem memory;
  FaultInjectingFileSystem fs(memory);
  save_variables("/m/cp.ckpt", weights(1), {}, fs);
  for (float value : {2.0f, 3.0f}) {
    fs.clear();
    fs.inject(Fault::kRenameError, 1);  // after the data file, before the index
    EXPECT_THROW(save_variables("/m/cp.ckpt", weights(value), {}, fs), Error);
  }
  std::optional<RestoreChoice> choice = newest_intact_checkpoint("/m", {}, memory);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, "/m/cp.ckpt.previous");
  EXPECT_EQ(first_weight(choice->prefix, memory), 1.0f);
}

TEST(OverwriteTest, EveryFaultDuringAnOverwriteKeepsAnIntactCopy) {
  int injected = 0;
  for (Fault fault :
       {Fault::kNoSpace, Fault::kShortWrite, Fault::kSyncError, Fault::kRenameError}) {
    for (int64_t at = 0;; ++at) {
      MemoryFileSystem memory;
      FaultInjectingFileSystem fs(memory);
      save_variables("/m/cp.ckpt", weights(1), {}, fs);
      fs.inject(fault, at);
      try {
        save_variables("/m/cp.ckpt", weights(2), {}, fs);
      } catch (const Error&) {
      }
      if (!fs.fired()) break;
      ++injected;
      std::optional<RestoreChoice> choice = newest_intact_checkpoint("/m", {}, memory);
      ASSERT_TRUE(choice) << "fault " << static_cast<int>(fault) << " at " << at;
      const float w = first_weight(choice->prefix, memory);
      EXPECT_TRUE(w == 1.0f || w == 2.0f);
    }
  }
  EXPECT_GT(injected, 5);
}

}  // namespace
}  // namespace cairn
