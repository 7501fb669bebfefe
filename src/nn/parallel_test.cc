// for_halves: every index visited exactly once whatever the thread count,
// loops too short to share run on the caller, and callers on several threads
// at once (one gets the helper, the others run inline) all finish correctly.
#include "nn/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "cairn/nn/gemm.h"

namespace cairn::nn::internal {
namespace {

// How often for_halves visited each index of [0, n), and on how many threads.
struct Visits {
  std::vector<int> count;
  std::atomic<int> calls{0};
  std::vector<std::thread::id> threads;
  std::mutex mu;
};

void visit(Eigen::Index n, Visits& v, Eigen::Index elements_per_item = 1) {
  v.count.assign(static_cast<size_t>(n), 0);
  for_halves(
      n,
      [&](Eigen::Index begin, Eigen::Index end) {
        for (Eigen::Index i = begin; i < end; ++i) ++v.count[static_cast<size_t>(i)];
        ++v.calls;
        std::lock_guard<std::mutex> hold(v.mu);
        v.threads.push_back(std::this_thread::get_id());
      },
      elements_per_item);
}

class ForHalvesTest : public ::testing::Test {
 protected:
  void SetUp() override { threads_before_ = num_threads(); }
  void TearDown() override { set_num_threads(threads_before_); }
  int threads_before_ = 1;
};

TEST_F(ForHalvesTest, LongLoopsAreSplitAcrossTwoThreadsAndCoveredOnce) {
  set_num_threads(2);
  for (Eigen::Index n :
       {kMinParallelElements, kMinParallelElements + 17, 3 * kMinParallelElements}) {
    Visits v;
    visit(n, v);
    EXPECT_EQ(v.calls, 2) << n;
    EXPECT_NE(v.threads[0], v.threads[1]) << n;
    for (Eigen::Index i = 0; i < n; ++i) ASSERT_EQ(v.count[static_cast<size_t>(i)], 1) << i;
  }
}

TEST_F(ForHalvesTest, RowsCountTheirElementsTowardTheThreshold) {
  set_num_threads(2);
  Visits v;
  visit(256, v, 4096);  // 256 rows of 4096: a 4 MiB activation
  EXPECT_EQ(v.calls, 2);
  for (int c : v.count) ASSERT_EQ(c, 1);
}

TEST_F(ForHalvesTest, ShortLoopsAndOneThreadRunInlineOnce) {
  set_num_threads(2);
  Visits short_loop;
  visit(kMinParallelElements - 1, short_loop);
  EXPECT_EQ(short_loop.calls, 1);
  EXPECT_EQ(short_loop.threads[0], std::this_thread::get_id());

  set_num_threads(1);
  Visits one_thread;
  visit(4 * kMinParallelElements, one_thread);
  EXPECT_EQ(one_thread.calls, 1);
  for (int c : one_thread.count) ASSERT_EQ(c, 1);

  Visits empty;
  visit(0, empty);
  EXPECT_EQ(empty.calls, 1);
}

TEST_F(ForHalvesTest, CallersOnSeveralThreadsAllGetTheirWholeLoop) {
  set_num_threads(2);
  constexpr int kCallers = 4;
  std::vector<Visits> visits(kCallers);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&visits, c] {
      for (int round = 0; round < 20; ++round) visit(kMinParallelElements * 2, visits[c]);
    });
  }
  for (std::thread& t : callers) t.join();
  for (Visits& v : visits) {
    for (int c : v.count) ASSERT_EQ(c, 1);
  }
}

}  // namespace
}  // namespace cairn::nn::internal
