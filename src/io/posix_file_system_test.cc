// Tests of the POSIX FileSystem and the shared helpers in file_system.cc, on
// a scratch directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PosixFileSystemTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return join_path(dir_.path(), name); }
  void write(const std::string& name, std::string_view data) {
    ASSERT_TRUE(fs_.write_file_atomically(path(name), data).ok());
  }

  cairn::testing::TempDir dir_;
  FileSystem& fs_ = default_file_system();
};

TEST_F(PosixFileSystemTest, WriteAppendReadSize) {
  auto out = fs_.new_writable_file(path("f"));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_TRUE((*out)->append("hello ").ok());
  ASSERT_TRUE((*out)->append(std::string(100000, 'x')).ok());  // larger than the buffer
  ASSERT_TRUE((*out)->append("!").ok());
  EXPECT_EQ((*out)->size(), 100007u);
  ASSERT_TRUE((*out)->sync().ok());
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_FALSE((*out)->append("late").ok());
  EXPECT_EQ(*fs_.read_file(path("f")), "hello " + std::string(100000, 'x') + "!");
  EXPECT_EQ(*fs_.file_size(path("f")), 100007u);

  auto more = fs_.new_appendable_file(path("f"));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ((*more)->size(), 100007u);
  ASSERT_TRUE((*more)->append("?").ok());
  more->reset();  // the destructor flushes and closes
  EXPECT_EQ(*fs_.file_size(path("f")), 100008u);
}

TEST_F(PosixFileSystemTest, ReadAtOffsetsAndPastEnd) {
  write("f", "0123456789");
  auto in = fs_.new_random_access_file(path("f"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)->size(), 10u);
  EXPECT_EQ((*in)->path(), path("f"));
  char scratch[16];
  EXPECT_EQ(*(*in)->read(3, 4, scratch), "3456");
  EXPECT_EQ(*(*in)->read(8, 16, scratch), "89");
  EXPECT_EQ(*(*in)->read(10, 4, scratch), "");
  EXPECT_EQ(*(*in)->read(1000, 4, scratch), "");
}

TEST_F(PosixFileSystemTest, MissingFileIsNotFoundNamingPath) {
  auto in = fs_.new_random_access_file(path("model.ckpt-1.index"));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(in.status().message(),
            "open " + path("model.ckpt-1.index") + " for reading: No such file or directory");
  EXPECT_EQ(fs_.read_file(path("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_.remove_file(path("nope")).code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_.file_size(path("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_THAT(fs_.list_directory(path("nope")).status().message(), HasSubstr(path("nope")));
}

TEST_F(PosixFileSystemTest, RenameRemoveExistsList) {
  write("b", "1");
  write("a", "2");
  ASSERT_TRUE(fs_.create_directories(path("d/e/f")).ok());
  ASSERT_TRUE(fs_.create_directories(path("d/e/f")).ok());  // already there
  EXPECT_TRUE(fs_.is_directory(path("d/e")));
  EXPECT_FALSE(fs_.is_directory(path("a")));
  EXPECT_THAT(*fs_.list_directory(dir_.path()), ElementsAre("a", "b", "d"));
  ASSERT_TRUE(fs_.rename_file(path("a"), path("d/c")).ok());
  EXPECT_FALSE(fs_.file_exists(path("a")));
  EXPECT_EQ(*fs_.read_file(path("d/c")), "2");
  ASSERT_TRUE(fs_.remove_file(path("b")).ok());
  EXPECT_FALSE(fs_.file_exists(path("b")));
  EXPECT_THAT(*fs_.list_directory(path("d")), ElementsAre("c", "e"));
  EXPECT_TRUE(fs_.sync_directory(path("d")).ok());
  EXPECT_EQ(fs_.sync_directory(path("zz")).code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, CreateDirectoriesUnderAFileFails) {
  write("file", "x");
  Status s = fs_.create_directories(path("file/sub"));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(path("file")));
}

TEST_F(PosixFileSystemTest, LockTwiceFailsUntilReleased) {
  auto first = fs_.lock_file(path("LOCK"));
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  auto second = fs_.lock_file(path("LOCK"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr(path("LOCK")));
  first->reset();
  EXPECT_TRUE(fs_.lock_file(path("LOCK")).ok());
}

TEST_F(PosixFileSystemTest, LockIsHeldAgainstOtherProcesses) {
  auto lock = fs_.lock_file(path("LOCK"));
  ASSERT_TRUE(lock.ok());
  auto run = cairn::testing::run_command("flock -n " + cairn::testing::shell_quote(path("LOCK")) +
                                         " true");
  if (run.exit_code == 127) GTEST_SKIP() << "flock(1) is not installed";
  EXPECT_NE(run.exit_code, 0) << "another process took the lock";
}

TEST_F(PosixFileSystemTest, MapFile) {
  write("f", "mapped bytes");
  auto mapped = fs_.map_file(path("f"));
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ((*mapped)->data(), "mapped bytes");
  write("empty", "");
  auto empty = fs_.map_file(path("empty"));
  ASSERT_TRUE(empty.ok()) << empty.status().to_string();
  EXPECT_TRUE((*empty)->data().empty());
  EXPECT_EQ(fs_.map_file(path("nope")).status().code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, WriteFileAtomicallyReplacesAndLeavesNoTemporary) {
  write("checkpoint", "old");
  write("checkpoint", "new contents");
  EXPECT_EQ(*fs_.read_file(path("checkpoint")), "new contents");
  EXPECT_THAT(*fs_.list_directory(dir_.path()), ElementsAre("checkpoint"));
}

TEST_F(PosixFileSystemTest, WriteFileAtomicallyIntoMissingDirectoryFails) {
  Status s = fs_.write_file_atomically(path("no/such/dir/f"), "x");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr(path("no/such/dir/f")));
}

TEST(PathTest, JoinDirnameBasename) {
  EXPECT_EQ(join_path("a/b", "c"), "a/b/c");
  EXPECT_EQ(join_path("a/b/", "/c"), "a/b/c");
  EXPECT_EQ(join_path("", "c"), "c");
  EXPECT_EQ(join_path("/", "c"), "/c");
  EXPECT_EQ(dirname("a/b/c"), "a/b");
  EXPECT_EQ(dirname("c"), ".");
  EXPECT_EQ(dirname("/c"), "/");
  EXPECT_EQ(dirname("a/b/"), "a");
  EXPECT_EQ(basename("a/b/c"), "c");
  EXPECT_EQ(basename("c"), "c");
  EXPECT_EQ(basename("a/b/"), "b");
  EXPECT_TRUE(is_absolute_path("/x"));
  EXPECT_FALSE(is_absolute_path("x"));
}

}  // namespace
}  // namespace cairn
