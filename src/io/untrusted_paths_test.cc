// The POSIX FileSystem's refusals (issue 19): no symbolic link escapes out of
// a directory, no writes or locks through a link, no special files (a FIFO
// is refused at once, never waited on).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

class UntrustedPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.create_directories(model()).ok());
    ASSERT_TRUE(fs_.create_directories(outside()).ok());
    ASSERT_TRUE(fs_.write_file_atomically(join_path(outside(), "precious"), "keep me").ok());
  }
  std::string model() const { return join_path(dir_.path(), "model"); }
  std::string outside() const { return join_path(dir_.path(), "outside"); }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(::symlink(target.c_str(), join_path(model(), name).c_str()), 0) << name;
  }
  std::string precious() { return *fs_.read_file(join_path(outside(), "precious")); }

  cairn::testing::TempDir dir_;
  FileSystem& fs_ = default_file_system();
};

// Runs `body` in a forked child that alarm() kills after 10 s: a hang fails
// the test instead of blocking the suite. True when the child exited 0.
template <typename Body>
bool finishes_in_child(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(10);
    ::_exit(body() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST_F(UntrustedPathsTest, SymlinkedDirectoryLeavingTheDirectoryIsRefused) {
  link(outside(), "sub");
  Result<std::string> resolved = fs_.resolve_beneath(model(), "sub/precious");
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(resolved.status().message(), HasSubstr("sub is a symbolic link to"));
  EXPECT_FALSE(fs_.resolve_beneath(model(), "sub").ok());
  link("/nonexistent-target", "dangling");
  EXPECT_FALSE(fs_.resolve_beneath(model(), "dangling/x").ok());
}

TEST_F(UntrustedPathsTest, SymlinkStayingInsideAndMissingComponentsResolve) {
  ASSERT_TRUE(fs_.create_directories(join_path(model(), "real")).ok());
  link("real", "alias");
  EXPECT_EQ(*fs_.resolve_beneath(model(), "alias/x"), join_path(model(), "alias/x"));
  EXPECT_EQ(*fs_.resolve_beneath(model(), "not/yet/there"), join_path(model(), "not/yet/there"));
  EXPECT_EQ(*fs_.resolve_beneath(model(), "a/../eval"), join_path(model(), "eval"));
  EXPECT_FALSE(fs_.resolve_beneath(model(), "../outside/precious").ok());
  EXPECT_FALSE(fs_.resolve_beneath(model(), "/etc/passwd").ok());
  EXPECT_FALSE(fs_.resolve_beneath(model(), "").ok());
}

TEST_F(UntrustedPathsTest, LockThroughASymlinkIsRefusedAndTargetUntouched) {
  link(join_path(outside(), "precious"), ".cairn.lock");
  auto lock = fs_.lock_file(join_path(model(), ".cairn.lock"));
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(lock.status().message(), HasSubstr("symbolic link"));
  EXPECT_EQ(precious(), "keep me");
}

TEST_F(UntrustedPathsTest, WriteThroughASymlinkIsRefusedAndTargetUntouched) {
  link(join_path(outside(), "precious"), "events");
  for (auto open : {&FileSystem::new_writable_file, &FileSystem::new_appendable_file,
                    &FileSystem::new_streaming_file}) {
    auto file = (fs_.*open)(join_path(model(), "events"));
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.status().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(precious(), "keep me");
}

TEST_F(UntrustedPathsTest, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = join_path(model(), "checkpoint");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_TRUE(finishes_in_child([&] {
    FileSystem& fs = default_file_system();
    Result<std::string> read = fs.read_file(fifo);
    bool ok = !read.ok() && read.status().code() == StatusCode::kFailedPrecondition &&
              read.status().message().find(fifo) != std::string::npos &&
              read.status().message().find("FIFO") != std::string::npos;
    ok = ok && !fs.map_file(fifo).ok() && !fs.new_uncached_file(fifo).ok();
    ok = ok && !fs.new_writable_file(fifo).ok() && !fs.new_streaming_file(fifo).ok();
    return ok && !fs.lock_file(fifo).ok();
  }));
  Result<FileType> type = fs_.file_type(fifo);
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(*type, FileType::kOther);
}

TEST_F(UntrustedPathsTest, DeviceIsNeitherReadNorReplacedByAWrite) {
  EXPECT_FALSE(fs_.read_file("/dev/zero").ok());
  auto out = fs_.new_writable_file("/dev/null");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("not a regular file"));
}

TEST_F(UntrustedPathsTest, FileTypeDoesNotFollowLinks) {
  link(outside(), "sub");
  EXPECT_EQ(*fs_.file_type(join_path(model(), "sub")), FileType::kSymlink);
  EXPECT_EQ(*fs_.file_type(outside()), FileType::kDirectory);
  EXPECT_EQ(*fs_.file_type(join_path(outside(), "precious")), FileType::kRegular);
  EXPECT_EQ(*fs_.file_type(join_path(model(), "none")), FileType::kMissing);
}

TEST_F(UntrustedPathsTest, ExchangeSwapsTwoDirectories) {
  ASSERT_TRUE(fs_.write_file_atomically(join_path(model(), "a"), "model").ok());
  Status swapped = fs_.exchange_paths(model(), outside());
  if (swapped.code() == StatusCode::kUnimplemented) GTEST_SKIP() << swapped.to_string();
  ASSERT_TRUE(swapped.ok()) << swapped.to_string();
  EXPECT_EQ(*fs_.read_file(join_path(model(), "precious")), "keep me");
  EXPECT_EQ(*fs_.read_file(join_path(outside(), "a")), "model");
}

}  // namespace
}  // namespace cairn
