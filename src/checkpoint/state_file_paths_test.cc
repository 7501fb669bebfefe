// Paths recorded in a `checkpoint` state file are untrusted: they resolve
// inside the state file's directory or are refused, so a crafted state file
// cannot point a reader (or CheckpointManager's deletions) at other files.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

class StateFilePathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* index : {"/m/model.ckpt-1.index", "/other/model.ckpt-2.index"}) {
      ASSERT_TRUE(fs_.write_file_atomically(index, "x").ok());
    }
  }
  void write_state(const std::string& newest) {
    ASSERT_TRUE(fs_.write_file_atomically(
                       "/m/checkpoint", "model_checkpoint_path: \"" + newest +
                                            "\"\nall_model_checkpoint_paths: \"" + newest + "\"\n")
                    .ok());
  }
  MemoryFileSystem fs_;
};

std::string refusal(FileSystem& fs, const std::string& dir, const std::string& recorded) {
  Result<std::string> resolved = internal::resolve_recorded_path(fs, dir, recorded);
  EXPECT_FALSE(resolved.ok()) << recorded << " resolved to " << *resolved;
  if (resolved.ok()) return "";
  EXPECT_EQ(resolved.status().code(), StatusCode::kDataLoss);
  return resolved.status().message();
}

TEST_F(StateFilePathsTest, StateFilePathWithDotDotLeavingTheDirectoryIsRefused) {
  std::string message = refusal(fs_, "/m", "../other/model.ckpt-2");
  EXPECT_NE(message.find("/m/checkpoint"), std::string::npos) << message;
  EXPECT_NE(message.find("outside"), std::string::npos) << message;
  refusal(fs_, "/m", "sub/../../other/model.ckpt-2");
  refusal(fs_, "/m", "..");
  write_state("../other/model.ckpt-2");
  EXPECT_THROW((void)latest_checkpoint("/m", fs_), DataLossError);
  EXPECT_THROW((void)get_checkpoint_state("/m", fs_), DataLossError);
}

TEST_F(StateFilePathsTest, DotDotThatStaysInsideTheDirectoryResolves) {
  auto resolved = internal::resolve_recorded_path(fs_, "/m", "sub/../model.ckpt-1");
  ASSERT_TRUE(resolved.ok()) << resolved.status().to_string();
  EXPECT_EQ(*resolved, "/m/model.ckpt-1");
  write_state("sub/../model.ckpt-1");
  EXPECT_TRUE(latest_checkpoint("/m", fs_).has_value());
}

TEST_F(StateFilePathsTest, AbsolutePathElsewhereResolvesToItsNameInsideTheDirectory) {
  // The TF 1 habit: absolute paths from the machine that trained.
  auto resolved = internal::resolve_recorded_path(fs_, "/m", "/home/ci/run/model.ckpt-1");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(*resolved, "/m/model.ckpt-1");
  // An existing checkpoint elsewhere is never used in place of the directory's.
  write_state("/other/model.ckpt-2");
  EXPECT_EQ(latest_checkpoint("/m", fs_), std::nullopt);
  EXPECT_EQ(get_checkpoint_state("/m", fs_).model_checkpoint_path, "/m/model.ckpt-2");
}

TEST_F(StateFilePathsTest, AbsolutePathEndingInDotDotIsRefused) {
  refusal(fs_, "/m", "/other/..");
  refusal(fs_, "/m", "/");
  refusal(fs_, "/m", "sub/..");
}

TEST_F(StateFilePathsTest, EmptyRecordedPathIsRefusedNotTakenForTheDirectory) {
  // Found by fuzz/checkpoint_state_fuzzer.cc: "" resolved to DIR itself, so
  // CheckpointManager looked for (and could delete) DIR.index beside DIR.
  std::string message = refusal(fs_, "/m", "");
  EXPECT_NE(message.find("/m/checkpoint"), std::string::npos) << message;
  ASSERT_TRUE(
      fs_.write_file_atomically("/m/checkpoint", "all_model_checkpoint_paths: \"\"\n").ok());
  EXPECT_THROW((void)get_checkpoint_state("/m", fs_), DataLossError);
}

}  // namespace
}  // namespace cairn
