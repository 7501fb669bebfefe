// Paths recorded in a `checkpoint` state file are untrusted: they resolve
// inside the state file's directory or are refused, so a crafted state file
// cannot point a reader (or CheckpointManager's deletions) at other files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

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

// On disk: symbolic links inside the model directory that lead out of it.
class StateFileSymlinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.create_directories(outside()).ok());
    for (const char* name : {"precious.ckpt-1.index", "precious.ckpt-1.data-00000-of-00001"}) {
      ASSERT_TRUE(fs_.write_file_atomically(join_path(outside(), name), "keep me").ok());
    }
    ASSERT_TRUE(fs_.create_directories(model()).ok());
  }
  std::string model() const { return join_path(dir_.path(), "model"); }
  std::string outside() const { return join_path(dir_.path(), "outside"); }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(::symlink(target.c_str(), join_path(model(), name).c_str()), 0);
  }
  void write_state(const std::string& text) {
    ASSERT_TRUE(fs_.write_file_atomically(join_path(model(), "checkpoint"), text).ok());
  }
  bool precious_intact() {
    return fs_.file_exists(join_path(outside(), "precious.ckpt-1.index")) &&
           fs_.file_exists(join_path(outside(), "precious.ckpt-1.data-00000-of-00001"));
  }
  // The message of the NotFoundError resolve_checkpoint(model()) throws.
  std::string not_found_message() {
    try {
      (void)resolve_checkpoint(model(), fs_);
    } catch (const NotFoundError& e) {
      return e.what();
    }
    ADD_FAILURE() << "resolve_checkpoint did not throw NotFoundError";
    return "";
  }

  cairn::testing::TempDir dir_;
  FileSystem& fs_ = default_file_system();
};

TEST_F(StateFileSymlinksTest, StateFileEntryThroughSymlinkedSubdirectoryIsNeitherReadNorDeleted) {
  link(outside(), "sub");
  write_state(
      "model_checkpoint_path: \"sub/precious.ckpt-1\"\n"
      "all_model_checkpoint_paths: \"sub/precious.ckpt-1\"\n");
  try {
    (void)latest_checkpoint(model(), fs_);
    ADD_FAILURE() << "a checkpoint outside the directory was used";
  } catch (const DataLossError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(join_path(model(), "checkpoint")));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("sub/precious.ckpt-1"));
  }
  // Retention (train --keep-checkpoint-max 1) refuses the state file.
  EXPECT_THROW(CheckpointManager({.directory = model(), .max_to_keep = 1}, fs_), DataLossError);
  EXPECT_TRUE(precious_intact());
}

TEST_F(StateFileSymlinksTest, StateFileEntryWhoseIndexIsASymlinkOutIsRefused) {
  link(join_path(outside(), "precious.ckpt-1.index"), "model.ckpt-1.index");
  write_state("model_checkpoint_path: \"model.ckpt-1\"\n");
  EXPECT_THROW((void)latest_checkpoint(model(), fs_), DataLossError);
  EXPECT_TRUE(precious_intact());
}

TEST_F(StateFileSymlinksTest, EmptyStateFileErrorNamesTheStateFile) {
  write_state("");
  std::string message = not_found_message();
  EXPECT_THAT(message, ::testing::HasSubstr(join_path(model(), "checkpoint")));
  EXPECT_THAT(message, ::testing::HasSubstr("names none"));
}

TEST_F(StateFileSymlinksTest, StateFileNamingEtcPasswdErrorNamesTheEntry) {
  write_state("model_checkpoint_path: \"/etc/passwd\"\n");
  std::string message = not_found_message();
  EXPECT_THAT(message, ::testing::HasSubstr(join_path(model(), "checkpoint")));
  EXPECT_THAT(message, ::testing::HasSubstr("\"/etc/passwd\""));
  EXPECT_THAT(message, ::testing::HasSubstr(join_path(model(), "passwd.index")));
}

// Finding 15: a FIFO in place of `checkpoint` or an .index blocked forever.
TEST_F(StateFileSymlinksTest, FifoInPlaceOfStateFileOrIndexIsRefusedNotWaitedOn) {
  ASSERT_EQ(::mkfifo(join_path(model(), "checkpoint").c_str(), 0644), 0);
  ASSERT_EQ(::mkfifo(join_path(model(), "model.ckpt-1.index").c_str(), 0644), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(10);  // a hang fails the test instead of blocking the suite
    bool refused = false;
    try {
      (void)latest_checkpoint(model(), fs_);
    } catch (const FailedPreconditionError& e) {
      refused = std::string(e.what()).find("FIFO") != std::string::npos;
    }
    Result<std::string> index = fs_.read_file(join_path(model(), "model.ckpt-1.index"));
    ::_exit(refused && !index.ok() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

}  // namespace
}  // namespace cairn
