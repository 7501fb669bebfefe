// write_directory_atomically where the system cannot exchange two paths:
// the old directory goes aside, the new one in, and a kill between the two
// renames is repaired by the next call (issue 19, finding 9).
#include "cairn/io/directory_swap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

using ::testing::ElementsAre;

// No RENAME_EXCHANGE; once `renames_left` reaches 0 every rename fails, as
// if the process had been killed there.
class NoExchangeFileSystem : public MemoryFileSystem {
 public:
  int renames_left = 1000;
  Status exchange_paths(const std::string& a, const std::string& b) override {
    return unimplemented_error("exchange " + a + " and " + b);
  }
  Status rename_file(const std::string& from, const std::string& to) override {
    if (renames_left-- <= 0) return internal_error("rename " + from + ": killed");
    return MemoryFileSystem::rename_file(from, to);
  }
};

Status write_version(FileSystem& fs, const std::string& dir, const std::string& version) {
  return write_directory_atomically(fs, dir, [&](const std::string& fresh) {
    return fs.write_file_atomically(join_path(fresh, "saved_model.pb"), version);
  });
}

TEST(DirectorySwapTest, WithoutExchangeTheOldDirectoryIsReplacedAndNothingLeftBeside) {
  NoExchangeFileSystem fs;
  ASSERT_TRUE(write_version(fs, "/out/sm", "v1").ok());
  ASSERT_TRUE(write_version(fs, "/out/sm", "v2").ok());
  EXPECT_EQ(*fs.read_file("/out/sm/saved_model.pb"), "v2");
  EXPECT_THAT(*fs.list_directory("/out"), ElementsAre("sm"));
}

TEST(DirectorySwapTest, KillBetweenTheTwoRenamesIsRecoveredByTheNextCall) {
  NoExchangeFileSystem fs;
  ASSERT_TRUE(write_version(fs, "/out/sm", "v1").ok());
  // write_file_atomically's rename of saved_model.pb, then "sm" -> aside.
  fs.renames_left = 2;
  EXPECT_FALSE(write_version(fs, "/out/sm", "v2").ok());
  EXPECT_FALSE(fs.file_exists("/out/sm/saved_model.pb"));  // the instant between the renames
  fs.renames_left = 1000;
  ASSERT_TRUE(write_version(fs, "/out/sm", "v3").ok());
  EXPECT_EQ(*fs.read_file("/out/sm/saved_model.pb"), "v3");
  EXPECT_THAT(*fs.list_directory("/out"), ElementsAre("sm"));
}

TEST(DirectorySwapTest, FailedWriteLeavesTheOldDirectoryAndNoFreshOne) {
  MemoryFileSystem fs;
  ASSERT_TRUE(write_version(fs, "/out/sm", "v1").ok());
  Status s = write_directory_atomically(
      fs, "/out/sm/", [](const std::string&) { return internal_error("disk on fire"); });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(*fs.read_file("/out/sm/saved_model.pb"), "v1");
  EXPECT_THAT(*fs.list_directory("/out"), ElementsAre("sm"));
}

}  // namespace
}  // namespace cairn
