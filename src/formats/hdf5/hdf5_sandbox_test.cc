// How run_isolated reports the ways its child process can end: a child the
// out-of-memory killer took (SIGKILL) or whose allocation failed is out of
// memory, not a corrupt file; a crash (SIGSEGV, SIGABRT) is.
#include "formats/hdf5/hdf5_sandbox.h"

#include <gtest/gtest.h>

#include <csignal>
#include <new>

namespace cairn::internal::h5 {
namespace {

Status child_killed_by(int signal) {
  return run_isolated([signal] {
    std::raise(signal);
    return ok_status();
  });
}

TEST(Hdf5SandboxTest, ChildKilledByTheOomKillerIsResourceExhaustedNotCorrupt) {
  const Status status = child_killed_by(SIGKILL);
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.to_string();
  EXPECT_NE(status.message().find("ran out of memory"), std::string::npos) << status.to_string();
  EXPECT_EQ(status.message().find("corrupt"), std::string::npos) << status.to_string();
}

TEST(Hdf5SandboxTest, ChildWhoseAllocationFailsIsResourceExhausted) {
  const Status status = run_isolated([]() -> Status { throw std::bad_alloc(); });
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.to_string();
  EXPECT_NE(status.message().find("ran out of memory"), std::string::npos) << status.to_string();
}

TEST(Hdf5SandboxTest, ChildThatCrashesIsDataLoss) {
  for (int signal : {SIGSEGV, SIGABRT, SIGBUS}) {
    const Status status = child_killed_by(signal);
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << signal << ": " << status.to_string();
    EXPECT_NE(status.message().find("corrupt"), std::string::npos) << status.to_string();
  }
}

TEST(Hdf5SandboxTest, ChildStatusCrossesBack) {
  const Status status = run_isolated([] { return data_loss_error("bad heap"); });
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "bad heap");
  EXPECT_TRUE(run_isolated([] { return ok_status(); }).ok());
}

}  // namespace
}  // namespace cairn::internal::h5
