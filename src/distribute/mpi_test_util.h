// For gtest programs that run under mpirun (cairn_mpi_test in
// cmake/CairnMpiTest.cmake; files named *_mpi_test.cc): the job's one
// MpiProcessGroup, shared by the tests (MPI starts once per process), and
// the main that makes it. Every rank runs every test; rank 0 prints gtest's
// report, the others only their failures, marked with their rank; any
// rank's failure fails the job through its exit code. Test-only code.
//
//   TEST(ShardedSaveTest, EveryRankWritesItsShard) {
//     cairn::ProcessGroup& group = cairn::distribute::testing::world();
//     ...
//   }
//   int main(int argc, char** argv) {
//     return cairn::distribute::testing::run_all_tests(argc, argv);
//   }
#pragma once

#include <gtest/gtest.h>

#include <cstdio>

#include "cairn/distribute/mpi_process_group.h"

namespace cairn::distribute::testing {

inline MpiProcessGroup*& world_pointer() {
  static MpiProcessGroup* group = nullptr;
  return group;
}

// The group of the job; valid inside the tests run by run_all_tests.
inline MpiProcessGroup& world() { return *world_pointer(); }

// Prints a rank's failed assertions, each line marked with the rank.
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit RankFailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::printf("[rank %d] %s:%d: %s\n", rank_, result.file_name() ? result.file_name() : "?",
                result.line_number(), result.message());
    std::fflush(stdout);
  }

 private:
  int rank_;
};

// Short collective timeouts: a test that leaves ranks out of step fails in
// seconds (and the broken group ends the job) instead of at ctest's timeout.
inline int run_all_tests(int argc, char** argv,
                         MpiProcessGroupOptions options = {.timeout_seconds = 20}) {
  ::testing::InitGoogleTest(&argc, argv);
  MpiProcessGroup group(options);
  world_pointer() = &group;
  if (group.rank() != 0) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new RankFailurePrinter(group.rank()));
  }
  const int failed = RUN_ALL_TESTS();
  world_pointer() = nullptr;
  return failed;
}

}  // namespace cairn::distribute::testing
