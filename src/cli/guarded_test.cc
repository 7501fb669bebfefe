// guarded(): every exception a command throws becomes a message and exit 1
// (issue 19, finding 3: std::bad_alloc escaped and aborted with rc 134).
#include "cli/guarded.h"

#include <gtest/gtest.h>

#include <new>
#include <sstream>
#include <vector>

namespace cairn::cli {
namespace {

template <typename Body>
std::string message_of(Body body, int expected_status = 1) {
  std::ostringstream err;
  EXPECT_EQ(guarded("train", err, body), expected_status);
  return err.str();
}

TEST(GuardedTest, CairnErrorsKeepTheirCode) {
  EXPECT_EQ(message_of([] { throw NotFoundError("no /x.csv"); }),
            "cairn train: NOT_FOUND: no /x.csv\n");
}

TEST(GuardedTest, BadAllocIsResourceExhaustedNotAnAbort) {
  EXPECT_EQ(message_of([] { throw std::bad_alloc(); }),
            "cairn train: RESOURCE_EXHAUSTED: out of memory while running `train`\n");
}

TEST(GuardedTest, VectorPastItsMaximumSizeIsResourceExhausted) {
  std::string why = message_of([] { std::vector<double>().reserve(SIZE_MAX / 2); });
  EXPECT_EQ(why.rfind("cairn train: RESOURCE_EXHAUSTED: out of memory", 0), 0u) << why;
}

TEST(GuardedTest, OtherExceptionsAreInternalWithTheirMessage) {
  EXPECT_EQ(message_of([] { throw std::out_of_range("map::at"); }),
            "cairn train: INTERNAL: map::at\n");
  EXPECT_EQ(message_of([] { throw 42; }),
            "cairn train: INTERNAL: an exception that is not a std::exception\n");
}

TEST(GuardedTest, GuardedStatusReturnsTheBodysExitCode) {
  std::ostringstream err;
  EXPECT_EQ(guarded_status("predict", err, [] { return 2; }), 2);
  EXPECT_EQ(message_of([] {}, 0), "");
}

TEST(GuardedTest, AnotherProgramReportsUnderItsOwnName) {
  std::ostringstream err;
  EXPECT_EQ(guarded("cairn-bench", "io", err, [] { throw InvalidArgumentError("--tensors 0"); }),
            1);
  EXPECT_EQ(err.str(), "cairn-bench io: INVALID_ARGUMENT: --tensors 0\n");
}

}  // namespace
}  // namespace cairn::cli
