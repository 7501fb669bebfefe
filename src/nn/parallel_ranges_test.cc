#include "nn/parallel_ranges.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cairn/nn/gemm.h"
#include "nn/gradient_check.h"

namespace cairn::nn::internal {
namespace {

// Sets the product threads for one test and puts the old count back.
class ThreadsForTest {
 public:
  explicit ThreadsForTest(int n) : before_(num_threads()) { set_num_threads(n); }
  ~ThreadsForTest() { set_num_threads(before_); }

 private:
  int before_;
};

struct Range {
  int part;
  Eigen::Index first, count;
  std::thread::id thread;
};

std::vector<Range> ranges_of(Eigen::Index n) {
  std::mutex mutex;
  std::vector<Range> seen;
  parallel_ranges(n, [&](int part, Eigen::Index first, Eigen::Index count) {
    std::lock_guard lock(mutex);
    seen.push_back({part, first, count, std::this_thread::get_id()});
  });
  std::sort(seen.begin(), seen.end(),
            [](const Range& a, const Range& b) { return a.part < b.part; });
  return seen;
}

TEST(ParallelRangesTest, RangesCoverEverySampleOnceInOrder) {
  ThreadsForTest threads(2);
  for (Eigen::Index n : {0, 1, 2, 3, 64, 65}) {
    const std::vector<Range> seen = ranges_of(n);
    ASSERT_EQ(static_cast<int>(seen.size()), range_parts(n)) << n;
    EXPECT_EQ(range_parts(n), n < 2 ? 1 : 2) << n;
    Eigen::Index next = 0;
    for (size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].part, static_cast<int>(i));
      EXPECT_EQ(seen[i].first, next) << n;
      next += seen[i].count;
    }
    EXPECT_EQ(next, n);
  }
  EXPECT_EQ(ranges_of(65)[0].count, 32);  // n * part / parts: the cut is fixed
}

TEST(ParallelRangesTest, EachRangeRunsOnItsOwnThreadAndOneThreadRunsAll) {
  {
    ThreadsForTest threads(2);
    const std::vector<Range> seen = ranges_of(10);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].thread, std::this_thread::get_id());
    EXPECT_NE(seen[1].thread, seen[0].thread);
  }
  ThreadsForTest threads(1);
  const std::vector<Range> seen = ranges_of(10);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].count, 10);
  EXPECT_EQ(seen[0].thread, std::this_thread::get_id());
}

TEST(ParallelRangesTest, ProductsInsideRangesAreRightAndTheThreadCountStays) {
  ThreadsForTest threads(2);
  const Matrix a = testing::random_matrix(96, 80, 1), b = testing::random_matrix(80, 70, 2);
  const Matrix expected = a * b;
  std::vector<Matrix> parts(2);
  std::vector<int> counts(2);
  parallel_ranges(a.rows(), [&](int part, Eigen::Index first, Eigen::Index count) {
    parts[part].resize(count, b.cols());
    gemm(a.middleRows(first, count), Op::kNone, b, Op::kNone, parts[part]);
    counts[part] = num_threads();
  });
  EXPECT_TRUE(parts[0].isApprox(expected.topRows(48), 1e-5f));
  EXPECT_TRUE(parts[1].isApprox(expected.bottomRows(48), 1e-5f));
  EXPECT_EQ(counts[0], 2);
  EXPECT_EQ(counts[1], 2);
  EXPECT_EQ(num_threads(), 2);
  Matrix after(a.rows(), b.cols());
  gemm(a, Op::kNone, b, Op::kNone, after);  // threaded again, and still right
  EXPECT_TRUE(after.isApprox(expected, 1e-5f));
}

TEST(ParallelRangesTest, AnExceptionComesBackAfterEveryRangeEnded) {
  ThreadsForTest threads(2);
  for (int throwing : {0, 1}) {
    std::vector<int> ended(2, 0);
    EXPECT_THROW(parallel_ranges(8,
                                 [&](int part, Eigen::Index, Eigen::Index) {
                                   if (part == throwing) throw std::runtime_error("range failed");
                                   std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                   ended[part] = 1;
                                 }),
                 std::runtime_error);
    EXPECT_EQ(ended[1 - throwing], 1) << "the other range was still running";
  }
  EXPECT_EQ(ranges_of(4).size(), 2u);  // and the pool works after
}

TEST(ParallelRangesTest, NestedAndConcurrentCallsRunInline) {
  ThreadsForTest threads(2);
  std::mutex mutex;
  std::set<std::pair<int, int>> seen;
  parallel_ranges(2, [&](int outer, Eigen::Index, Eigen::Index) {
    parallel_ranges(4, [&](int inner, Eigen::Index, Eigen::Index) {
      std::lock_guard lock(mutex);
      seen.insert({outer, inner});
    });
  });
  EXPECT_EQ(seen.size(), 4u);  // two ranges each running both of theirs
  std::vector<Eigen::Index> totals(4, 0);
  std::vector<std::thread> callers;
  for (size_t c = 0; c < totals.size(); ++c) {
    callers.emplace_back([&, c] {
      for (int repeat = 0; repeat < 50; ++repeat) {
        std::vector<Eigen::Index> counts(2, 0);
        parallel_ranges(100,
                        [&](int part, Eigen::Index, Eigen::Index count) { counts[part] = count; });
        totals[c] += counts[0] + counts[1];
      }
    });
  }
  for (std::thread& t : callers) t.join();
  for (Eigen::Index total : totals) EXPECT_EQ(total, 5000);
}

// A child of fork() has none of the parent's pool threads: its calls must
// start their own instead of waiting on threads that do not exist.
TEST(ParallelRangesTest, AForkedChildRunsRangesWithoutHanging) {
  ThreadsForTest threads(2);
  ASSERT_EQ(ranges_of(4).size(), 2u);  // the parent's pool is running
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::vector<Range> seen = ranges_of(4);
    ::_exit(seen.size() == 2 && seen[1].thread != seen[0].thread ? 0 : 1);
  }
  int status = 0;
  for (int waited = 0; waited < 300 && ::waitpid(child, &status, WNOHANG) == 0; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (::waitpid(child, &status, WNOHANG) == 0) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    FAIL() << "the child hung in parallel_ranges";
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace cairn::nn::internal
