// A real full disk: a child process limited by RLIMIT_FSIZE (writes past the
// limit fail with EFBIG, as they would with ENOSPC on a full disk) saves a
// checkpoint that fits, then one that does not. The second save must throw
// ResourceExhaustedError naming the file, and the first checkpoint and the
// state file must be intact and still chosen for restore.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

// Exit codes of the child, one per broken promise.
enum ChildResult {
  kOk = 0,
  kNoLimit = 10,
  kSmallFailed,
  kBigSaved,
  kWrongError,
  kOldDamaged,
  kNextFailed
};

int child(const std::string& dir) {
  signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
  rlimit limit{.rlim_cur = 256 * 1024, .rlim_max = RLIM_INFINITY};
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return kNoLimit;
  try {
    save_variables(dir + "/model.ckpt-1", {{"w", Tensor(DType::kFloat32, {1024})}});
  } catch (const Error&) {
    return kSmallFailed;
  }
  // 4 MiB goes through the page cache, 24 MiB mostly through direct I/O
  // written by a background thread: both must fail the same way.
  for (int64_t floats : {int64_t{1} << 20, int64_t{6} << 20}) {
    try {
      save_variables(dir + "/model.ckpt-2", {{"w", Tensor(DType::kFloat32, {floats})}});
      return kBigSaved;
    } catch (const ResourceExhaustedError& e) {
      if (std::string(e.what()).find(dir + "/model.ckpt-2") == std::string::npos) {
        return kWrongError;
      }
    } catch (const Error&) {
      return kWrongError;
    }
  }
  if (latest_checkpoint(dir) != dir + "/model.ckpt-1" ||
      !verify_checkpoint(dir + "/model.ckpt-1").ok) {
    return kOldDamaged;
  }
  try {
    save_variables(dir + "/model.ckpt-3", {{"w", Tensor(DType::kFloat32, {1024})}});
  } catch (const Error&) {
    return kNextFailed;
  }
  return latest_checkpoint(dir) == dir + "/model.ckpt-3" ? kOk : kNextFailed;
}

TEST(FullDiskTest, FileSizeLimitFailsTheSaveAndKeepsTheLastCheckpoint) {
  testing::TempDir tmp;
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) _exit(child(tmp.path()));
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died";
  if (WEXITSTATUS(status) == kNoLimit)
    GTEST_SKIP() << "setrlimit(RLIMIT_FSIZE) is not allowed here";
  EXPECT_EQ(WEXITSTATUS(status), kOk)
      << "child result " << WEXITSTATUS(status) << " (see ChildResult in full_disk_test.cc)";
}

}  // namespace
}  // namespace cairn
