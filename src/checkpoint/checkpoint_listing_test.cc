// list_checkpoints(): steps newest first, the state file's newest marked,
// sizes and shards as on disk, damage and orphans as verify_directory()
// finds them, on disk and in memory.
#include "cairn/checkpoint/checkpoint_listing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

NamedTensors variables(int step) {
  return {{"dense/kernel", Tensor::from_vector<float>(std::vector<float>(64, 0.5f * step), {8, 8})},
          {"global_step", Tensor::scalar<int64_t>(step)}};
}

class CheckpointListingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int step : {100, 200, 300}) save_variables(prefix(step), variables(step));
  }
  std::string prefix(int step) const { return dir_.path() + "/model.ckpt-" + std::to_string(step); }
  testing::TempDir dir_;
};

TEST_F(CheckpointListingTest, NewestFirstWithTheStateFilesNewestMarked) {
  std::vector<CheckpointListing> all = list_checkpoints(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  const int64_t steps[] = {300, 200, 100};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].prefix, prefix(static_cast<int>(steps[i])));
    EXPECT_EQ(all[i].step, steps[i]);
    EXPECT_EQ(all[i].status, CheckpointStatus::kOk) << all[i].problem;
    EXPECT_EQ(all[i].newest, i == 0);
    EXPECT_EQ(all[i].shards, 1);
    EXPECT_EQ(all[i].bytes, testing::checkpoint_bytes_on_disk(all[i].prefix));
  }
}

TEST_F(CheckpointListingTest, WrittenIsTheIndexModificationTime) {
  struct stat st {};
  ASSERT_EQ(::stat((prefix(200) + ".index").c_str(), &st), 0);
  const double expected = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec * 1e-9;
  std::vector<CheckpointListing> all = list_checkpoints(dir_.path());
  ASSERT_TRUE(all[1].written);
  EXPECT_NEAR(*all[1].written, expected, 1e-6);
}

TEST_F(CheckpointListingTest, StateFileNamingAnOlderCheckpointMarksThatOne) {
  CheckpointState state{.model_checkpoint_path = prefix(200),
                        .all_model_checkpoint_paths = {prefix(100), prefix(200)}};
  ASSERT_TRUE(write_checkpoint_state(default_file_system(), dir_.path(), state).ok());
  std::vector<CheckpointListing> all = list_checkpoints(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].step, 300);  // still listed first: by step
  EXPECT_FALSE(all[0].newest);
  EXPECT_TRUE(all[1].newest);
}

TEST_F(CheckpointListingTest, FlippedDataByteIsDamagedNamingTheTensor) {
  const std::string data = prefix(200) + ".data-00000-of-00001";
  {
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);  // inside dense/kernel, the first tensor
    f.put('\x7f');
  }
  std::vector<CheckpointListing> all = list_checkpoints(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].status, CheckpointStatus::kDamaged);
  EXPECT_THAT(all[1].problem, HasSubstr("dense/kernel"));
  EXPECT_EQ(all[1].bytes, testing::checkpoint_bytes_on_disk(prefix(200)));
  EXPECT_EQ(all[0].status, CheckpointStatus::kOk);
  EXPECT_EQ(checkpoint_status_name(all[1].status), "DAMAGED");
}

TEST_F(CheckpointListingTest, HalfDeletedBundleIsAnOrphanInItsPlace) {
  fs::remove(prefix(200) + ".index");  // retention killed after removing the .index
  std::vector<CheckpointListing> all = list_checkpoints(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].prefix, prefix(200));
  EXPECT_EQ(all[1].status, CheckpointStatus::kOrphan);
  EXPECT_THAT(all[1].problem, HasSubstr("incomplete"));
  EXPECT_FALSE(all[1].written);  // no .index
  EXPECT_EQ(all[1].shards, 1);
  EXPECT_EQ(all[1].bytes, testing::checkpoint_bytes_on_disk(prefix(200)));
}

TEST(CheckpointListingMemoryTest, ShardsAndSizesOnAMemoryFileSystem) {
  MemoryFileSystem memory;
  save_variables("/m/model.ckpt-1", variables(1), {.num_shards = 2}, memory);
  save_variables("/m/model.ckpt-2", variables(2), {}, memory);
  std::vector<CheckpointListing> all = list_checkpoints("/m", memory);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].step, 2);
  EXPECT_TRUE(all[0].newest);
  EXPECT_EQ(all[1].shards, 2);
  uint64_t expected = *memory.file_size("/m/model.ckpt-1.index");
  for (int shard : {0, 1}) {
    expected +=
        *memory.file_size("/m/model.ckpt-1.data-0000" + std::to_string(shard) + "-of-00002");
  }
  EXPECT_EQ(all[1].bytes, expected);
  EXPECT_FALSE(all[1].written);  // the in-memory file system keeps no times
}

TEST(CheckpointListingMemoryTest, NotADirectoryIsNotFound) {
  MemoryFileSystem memory;
  EXPECT_THROW(list_checkpoints("/nowhere", memory), NotFoundError);
  ASSERT_TRUE(memory.create_directories("/empty").ok());
  EXPECT_TRUE(list_checkpoints("/empty", memory).empty());
}

TEST(CheckpointListingFixtureTest, TensorFlowEstimatorDirectory) {
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/hishmad-iris-estimator/iris_model";
  std::vector<CheckpointListing> all = list_checkpoints(dir);
  ASSERT_EQ(all.size(), 5u);
  const int64_t steps[] = {8000, 6001, 6000, 4001, 4000};
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].step, steps[i]);
    EXPECT_EQ(all[i].status, CheckpointStatus::kOk) << all[i].problem;
    EXPECT_EQ(all[i].newest, i == 0);  // the state file's absolute Mac paths, resolved here
    EXPECT_EQ(all[i].bytes, testing::checkpoint_bytes_on_disk(all[i].prefix)) << all[i].prefix;
  }
  EXPECT_EQ(all[0].bytes, 4116u + 721u);  // no .meta beside step 8000
  EXPECT_EQ(all[1].bytes, 4116u + 721u + 126348u);
}

TEST(CheckpointListingFixtureTest, TensorFlowObjectBasedCheckpoints) {
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string james = *fixtures + "/tf-guide-checkpoints-james";
  std::vector<CheckpointListing> managed = list_checkpoints(james + "/tf_ckpts");
  ASSERT_EQ(managed.size(), 3u);
  EXPECT_EQ(managed[0].step, 40);
  EXPECT_TRUE(managed[0].newest);
  EXPECT_EQ(managed[2].step, 38);
  for (const CheckpointListing& c : managed) EXPECT_EQ(c.status, CheckpointStatus::kOk);
  std::vector<CheckpointListing> easy = list_checkpoints(james + "/tmp");
  ASSERT_EQ(easy.size(), 1u);
  EXPECT_FALSE(easy[0].step);  // "easy_checkpoint" has no step
  EXPECT_TRUE(easy[0].newest);
  EXPECT_EQ(easy[0].bytes, 17u + 144u);
}

}  // namespace
}  // namespace cairn
