// The group of one, the in-process group of threads, and the helpers every
// group shares (agree, rank_slice).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>
#include <thread>

#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"
#include "cairn/core/process_group.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

TEST(RankSliceTest, CoversTheRowsOnceWithSizesDifferingByAtMostOne) {
  for (int size = 1; size <= 5; ++size) {
    for (int64_t rows : {0, 1, 7, 64, 65}) {
      int64_t next = 0;
      for (int r = 0; r < size; ++r) {
        RankSlice s = rank_slice(rows, r, size);
        EXPECT_EQ(s.begin, next);
        EXPECT_LE(s.rows(), rows / size + 1);
        EXPECT_GE(s.rows(), rows / size);
        next = s.end;
      }
      EXPECT_EQ(next, rows) << rows << " rows over " << size;
    }
  }
}

TEST(SingleProcessTest, IsRankZeroOfOneAndKeepsValues) {
  ProcessGroup& group = single_process();
  EXPECT_EQ(group.rank(), 0);
  EXPECT_EQ(group.size(), 1);
  std::vector<float> v{1.5f, 2.5f};
  group.all_reduce_sum(std::span<float>(v), "sum");
  EXPECT_EQ(v, (std::vector<float>{1.5f, 2.5f}));
  EXPECT_EQ(group.all_gather("x", "gather"), std::vector<std::string>{"x"});
  EXPECT_THROW(agree(group, Status(StatusCode::kDataLoss, "bad"), "save"), DataLossError);
}

TEST(InProcessGroupTest, GathersBroadcastsAndSumsInRankOrder) {
  InProcessGroup group(3, {.timeout_seconds = 10});
  std::vector<std::vector<std::string>> gathered(3);
  std::vector<std::string> broadcast(3);
  std::vector<std::vector<double>> sums(3);
  group.run([&](ProcessGroup& g) {
    const int r = g.rank();
    gathered[r] = g.all_gather(std::string(r + 1, 'a' + r), "gather");
    broadcast[r] = r == 2 ? "from two" : "";
    g.broadcast(broadcast[r], 2, "broadcast");
    sums[r] = {1.0 * r, 0.1, 1e16};
    g.all_reduce_sum(std::span<double>(sums[r]), "sum");
  });
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(gathered[r], (std::vector<std::string>{"a", "bb", "ccc"}));
    EXPECT_EQ(broadcast[r], "from two");
    EXPECT_EQ(sums[r][0], 3.0);
    EXPECT_EQ(sums[r][1], (0.0 + 0.1) + 0.1 + 0.1);  // rank order, same bits everywhere
    EXPECT_EQ(sums[r][2], 3e16);
  }
}

TEST(InProcessGroupTest, AgreeThrowsTheFailedRanksErrorOnEveryRank) {
  InProcessGroup group(3, {.timeout_seconds = 10});
  std::atomic<int> threw{0};
  group.run([&](ProcessGroup& g) {
    Status mine =
        g.rank() == 1 ? Status(StatusCode::kResourceExhausted, "disk full: shard 1") : Status();
    try {
      agree(g, mine, "save");
    } catch (const ResourceExhaustedError& e) {
      EXPECT_THAT(e.what(), HasSubstr("rank 1: disk full: shard 1"));
      ++threw;
    }
  });
  EXPECT_EQ(threw, 3);
}

TEST(InProcessGroupTest, RunAndAgreeThrowsWhatOneRanksStepThrewOnEveryRank) {
  InProcessGroup group(3, {.timeout_seconds = 10});
  std::vector<std::string> errors(3);
  group.run([&](ProcessGroup& g) {
    try {
      run_and_agree(
          g,
          [&] {
            if (g.rank() == 0) throw FailedPreconditionError("model_dir is locked by pid 7");
          },
          "train: opening model_dir");
    } catch (const FailedPreconditionError& e) {
      errors[g.rank()] = e.what();
    }
  });
  for (const std::string& e : errors) EXPECT_EQ(e, "rank 0: model_dir is locked by pid 7");
  // Alone, the step's own exception propagates unchanged.
  EXPECT_THROW(run_and_agree(
                   single_process(), [] { throw std::bad_alloc(); }, "x"),
               std::bad_alloc);
  group.run([&](ProcessGroup& g) {
    EXPECT_THROW(run_and_agree(
                     g,
                     [&] {
                       if (g.rank() == 2) throw std::logic_error("broken invariant");
                     },
                     "x"),
                 InternalError);
  });
}

TEST(InProcessGroupTest, ARankThatNeverArrivesIsNamedAndTheGroupBreaks) {
  InProcessGroup group(3, {.timeout_seconds = 0.2});
  std::vector<std::string> errors(3);
  group.run([&](ProcessGroup& g) {
    if (g.rank() == 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
    }
    try {
      g.barrier("checkpoint save at step 200");
    } catch (const Error& e) {
      errors[g.rank()] = std::string(e.code_name()) + ": " + e.what();
    }
  });
  for (int r : {0, 1}) {
    EXPECT_THAT(errors[r], HasSubstr("DEADLINE_EXCEEDED"));
    EXPECT_THAT(errors[r], HasSubstr("checkpoint save at step 200: rank 2 did not arrive"));
  }
  EXPECT_THAT(errors[2], HasSubstr("ABORTED"));  // the late rank learns the group broke
}

TEST(InProcessGroupTest, RunRethrowsTheLowestFailingRank) {
  InProcessGroup group(2);
  try {
    group.run(
        [](ProcessGroup& g) { throw NotFoundError("from rank " + std::to_string(g.rank())); });
    FAIL() << "run() returned";
  } catch (const NotFoundError& e) {
    EXPECT_STREQ(e.what(), "from rank 0");
  }
}

}  // namespace
}  // namespace cairn
