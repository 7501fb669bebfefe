// The directory lock of a job of several ranks: rank 0 holds it, every rank
// learns the outcome (a second job is refused on each of its ranks, naming
// the holder), every rank checks the lock file names its rank 0, and rank 0
// alone collects leftovers before the others go on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/checkpoint/directory_lock.h"
#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

constexpr const char* kGroupDir = "/m";

class DirectoryLockGroupTest : public ::testing::Test {
 protected:
  // Locks kGroupDir on every rank of `group`, each rank on fs_of(rank); returns
  // the locks (held until the vector dies) and each rank's error.
  std::vector<std::string> lock_on(InProcessGroup& group,
                                   std::vector<std::unique_ptr<DirectoryLock>>& locks,
                                   const std::function<FileSystem&(int)>& fs_of) {
    std::vector<std::string> errors(static_cast<size_t>(group.size()));
    locks.resize(static_cast<size_t>(group.size()));
    group.run([&](ProcessGroup& rank) {
      const auto r = static_cast<size_t>(rank.rank());
      try {
        locks[r] = std::make_unique<DirectoryLock>(kGroupDir, "train: model_dir",
                                                   fs_of(rank.rank()), rank);
      } catch (const FailedPreconditionError& e) {
        errors[r] = e.what();
      }
    });
    return errors;
  }

  MemoryFileSystem disk_;
  std::function<FileSystem&(int)> shared_ = [this](int) -> FileSystem& { return disk_; };
};

TEST_F(DirectoryLockGroupTest, ASecondJobIsRefusedOnEveryRankNamingTheHolder) {
  InProcessGroup first(3, {.timeout_seconds = 20});
  std::vector<std::unique_ptr<DirectoryLock>> held;
  EXPECT_THAT(lock_on(first, held, shared_), ::testing::Each(""));
  const std::string holder = lock_holder_description();
  EXPECT_EQ(*disk_.read_file("/m/.cairn.lock"), holder + "\n");

  InProcessGroup second(2, {.timeout_seconds = 20});
  std::vector<std::unique_ptr<DirectoryLock>> refused;
  for (const std::string& e : lock_on(second, refused, shared_)) {
    EXPECT_THAT(
        e, HasSubstr("rank 0: train: model_dir /m is being written by another trainer (" + holder));
  }
  held.clear();
  EXPECT_THAT(lock_on(second, refused, shared_), ::testing::Each("")) << "released with rank 0's";
}

TEST_F(DirectoryLockGroupTest, ARankThatSeesAnotherDirectoryFailsEveryRank) {
  MemoryFileSystem other_machine;
  InProcessGroup group(2, {.timeout_seconds = 20});
  std::vector<std::unique_ptr<DirectoryLock>> locks;
  const auto errors = lock_on(group, locks, [&](int r) -> FileSystem& {
    return r == 1 ? static_cast<FileSystem&>(other_machine) : disk_;
  });
  for (const std::string& e : errors) {
    EXPECT_THAT(e, HasSubstr("rank 1: lock file /m/.cairn.lock says"));
    EXPECT_THAT(e, HasSubstr("every rank must see the same directory /m"));
  }
  EXPECT_TRUE(disk_.lock_file("/m/.cairn.lock").ok()) << "rank 0 let go of the lock";
}

TEST_F(DirectoryLockGroupTest, RankZeroAloneCollectsLeftoversBeforeTheOthersGoOn) {
  const std::string stale = "/m/model.ckpt-5.data-00001-of-00002.tempstate0123456789abcdef";
  ASSERT_TRUE(disk_.create_directories(kGroupDir).ok());
  ASSERT_TRUE(disk_.write_file_atomically(stale, "partial shard").ok());
  InProcessGroup group(2, {.timeout_seconds = 20});
  std::vector<std::vector<std::string>> lines(2);
  std::vector<bool> gone_after(2);
  group.run([&](ProcessGroup& rank) {
    DirectoryLock lock(kGroupDir, "train: model_dir", disk_, rank);
    lines[static_cast<size_t>(rank.rank())] = lock.collect_leftovers();
    gone_after[static_cast<size_t>(rank.rank())] = !disk_.file_exists(stale);
  });
  EXPECT_EQ(lines[0].size(), 1u);
  EXPECT_TRUE(lines[1].empty());
  EXPECT_THAT(gone_after, ::testing::Each(true));
}

}  // namespace
}  // namespace cairn
