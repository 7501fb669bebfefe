// Verified restores: every checksum checked, damaged checkpoints (flipped
// bit, truncation, missing file, corrupt state file) named, the newest
// intact one chosen, temporaries never taken for checkpoints.
#include "cairn/checkpoint/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int step : {100, 200, 300}) {
      Tensor w(DType::kFloat32, {64});
      for (int i = 0; i < 64; ++i)
        w.flat<float>()[static_cast<size_t>(i)] = static_cast<float>(step + i);
      save_variables(prefix(step),
                     {{"dense/kernel", w}, {"global_step", Tensor::scalar<int64_t>(step)}});
    }
  }
  std::string prefix(int step) const { return dir_.path() + "/model.ckpt-" + std::to_string(step); }
  std::string data(int step) const { return prefix(step) + ".data-00000-of-00001"; }
  void flip_byte(const std::string& path, std::streamoff at) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x10));
  }
  testing::TempDir dir_;
};

TEST_F(VerifyTest, AllIntactNewestFirst) {
  std::vector<CheckpointHealth> all = verify_directory(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].prefix, prefix(300));
  EXPECT_EQ(all[2].prefix, prefix(100));
  for (const CheckpointHealth& h : all) {
    EXPECT_TRUE(h.ok) << h.problem;
    EXPECT_EQ(h.tensors, 2);
    EXPECT_GT(h.bytes, 256u);
  }
}

TEST_F(VerifyTest, DamagedNewestIsNamedAndSkipped) {
  flip_byte(data(300), 20);  // inside dense/kernel's bytes
  CheckpointHealth h = verify_checkpoint(prefix(300));
  EXPECT_FALSE(h.ok);
  EXPECT_THAT(h.problem, HasSubstr("dense/kernel"));
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(200));
  ASSERT_EQ(choice->skipped.size(), 1u);
  EXPECT_THAT(choice->skipped[0], HasSubstr("model.ckpt-300 is damaged"));
  EXPECT_THROW(newest_intact_checkpoint(dir_.path(), {.fail_on_damaged = true}), DataLossError);
}

TEST_F(VerifyTest, TruncatedAndMissingFilesAreDamage) {
  std::filesystem::resize_file(data(300), 100);
  std::filesystem::remove(prefix(200) + ".index");
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(100));
  EXPECT_EQ(choice->skipped.size(), 2u);
}

TEST_F(VerifyTest, EveryCheckpointDamagedIsDataLossNamingEach) {
  for (int step : {100, 200, 300}) std::filesystem::remove(data(step));
  try {
    newest_intact_checkpoint(dir_.path());
    FAIL();
  } catch (const DataLossError& e) {
    for (int step : {100, 200, 300})
      EXPECT_THAT(e.what(), HasSubstr("model.ckpt-" + std::to_string(step)));
  }
}

TEST_F(VerifyTest, CorruptStateFileStillFindsTheBundles) {
  std::ofstream(dir_.path() + "/checkpoint") << "model_checkpoint_path: \"unterminated";
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(300));
}

TEST_F(VerifyTest, TemporariesAreNeverCandidates) {
  std::ofstream(prefix(400) + ".index.tempstate0123456789abcdef") << "partial";
  std::ofstream(dir_.path() + "/.checkpoint.tmp") << "partial";
  for (const std::string& p : checkpoint_candidates(dir_.path())) {
    EXPECT_THAT(p, ::testing::Not(HasSubstr("400"))) << p;
  }
  EXPECT_EQ(checkpoint_candidates(dir_.path()).size(), 3u);
}

TEST(VerifyEmptyTest, NoCheckpointIsNullopt) {
  testing::TempDir dir;
  EXPECT_FALSE(newest_intact_checkpoint(dir.path()).has_value());
  EXPECT_TRUE(verify_directory(dir.path()).empty());
}

}  // namespace
}  // namespace cairn
