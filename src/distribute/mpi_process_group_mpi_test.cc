// MpiProcessGroup's collectives between real processes: run by ctest as
// `mpirun -np 2` and `-np 3` (cairn_mpi_test in src/CMakeLists.txt), every
// rank running every test (distribute/mpi_test_util.h).
#include "cairn/distribute/mpi_process_group.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"
#include "distribute/mpi_test_util.h"

namespace cairn::distribute {
namespace {

using testing::world;  // the job's one group, shared by the tests

TEST(MpiProcessGroupTest, RanksAreTheProcessesOfTheJob) {
  EXPECT_EQ(world().size(), std::atoi(std::getenv("OMPI_COMM_WORLD_SIZE")));
  const std::vector<std::string> ranks =
      world().all_gather(std::to_string(world().rank()), "ranks");
  ASSERT_EQ(ranks.size(), static_cast<size_t>(world().size()));
  for (int r = 0; r < world().size(); ++r) EXPECT_EQ(ranks[r], std::to_string(r));
  EXPECT_EQ(world().is_chief(), world().rank() == 0);
  EXPECT_TRUE(launched_by_mpirun());
}

// Rank r's bytes: r * 1000 bytes (none for rank 0), zeros included.
std::string bytes_of(int rank) {
  std::string bytes(static_cast<size_t>(rank) * 1000, '\0');
  for (size_t i = 0; i < bytes.size(); i += 3) bytes[i] = static_cast<char>('a' + rank);
  return bytes;
}

TEST(MpiProcessGroupTest, AllGatherGivesEveryRankEveryRanksBytesInRankOrder) {
  world().barrier("before the gather");
  const std::vector<std::string> all = world().all_gather(bytes_of(world().rank()), "gather");
  ASSERT_EQ(all.size(), static_cast<size_t>(world().size()));
  for (int r = 0; r < world().size(); ++r) EXPECT_EQ(all[r], bytes_of(r)) << "rank " << r;
}

TEST(MpiProcessGroupTest, BroadcastGivesEveryRankTheRootsBytes) {
  for (int root = 0; root < world().size(); ++root) {
    // 3 MB: more than Open MPI sends eagerly, so the large-message path too.
    std::string bytes = world().rank() == root ? std::string(3 << 20, static_cast<char>('0' + root))
                                               : "not the root's";
    world().broadcast(bytes, root, "broadcast from " + std::to_string(root));
    EXPECT_EQ(bytes, std::string(3 << 20, static_cast<char>('0' + root))) << "root " << root;
  }
  std::string bytes;
  EXPECT_THROW(world().broadcast(bytes, world().size(), "broadcast from nowhere"),
               InvalidArgumentError);
}

// Rank r's addends: magnitudes from 1e-4 to 1e4 and both signs, so that the
// order of the additions changes the rounded sums.
template <typename T>
std::vector<T> addends(int rank, size_t count) {
  std::vector<T> values(count);
  for (size_t i = 0; i < count; ++i) {
    const int sign = (i + rank) % 2 == 0 ? 1 : -1;
    values[i] =
        static_cast<T>(sign * std::pow(10.0, static_cast<double>((i * 7 + rank * 3) % 9) - 4) *
                       (1 + 0.1234567 * rank + 1e-3 * static_cast<double>(i % 97)));
  }
  return values;
}

// What InProcessGroup computes: 0, plus every rank's values in `order`.
template <typename T>
std::vector<T> sum_in(const std::vector<int>& order, size_t count) {
  std::vector<T> total(count, T(0));
  for (int r : order) {
    const std::vector<T> part = addends<T>(r, count);
    for (size_t i = 0; i < count; ++i) total[i] += part[i];
  }
  return total;
}

// The sum of the same addends by as many threads standing in for the ranks.
template <typename T>
std::vector<T> in_process_sum(size_t count) {
  InProcessGroup threads(world().size());
  std::vector<T> sum;
  threads.run([&](ProcessGroup& rank) {
    std::vector<T> values = addends<T>(rank.rank(), count);
    rank.all_reduce_sum(std::span<T>(values), "gradients");
    if (rank.is_chief()) sum = std::move(values);
  });
  return sum;
}

template <typename T>
void expect_sum_in_rank_order(size_t count) {
  std::vector<T> values = addends<T>(world().rank(), count);
  world().all_reduce_sum(std::span<T>(values), "gradients");
  std::vector<int> ranks(world().size()), reversed(world().size());
  for (int r = 0; r < world().size(); ++r) ranks[r] = r, reversed[r] = world().size() - 1 - r;
  // The same bits as the rank-order sum, in every run, on every rank, and
  // as InProcessGroup's (so tests with threads predict an mpirun).
  const std::vector<T> expected = sum_in<T>(ranks, count);
  EXPECT_EQ(std::memcmp(values.data(), expected.data(), count * sizeof(T)), 0);
  EXPECT_EQ(std::memcmp(values.data(), in_process_sum<T>(count).data(), count * sizeof(T)), 0);
  const std::string mine(reinterpret_cast<const char*>(values.data()), count * sizeof(T));
  for (const std::string& theirs : world().all_gather(mine, "the sums")) EXPECT_EQ(theirs, mine);
  if (world().size() >= 3) {  // the order matters: another order gives other bits
    const std::vector<T> other = sum_in<T>(reversed, count);
    EXPECT_NE(std::memcmp(values.data(), other.data(), count * sizeof(T)), 0);
  }
}

TEST(MpiProcessGroupTest, AllReduceSumIsTheRankOrderSumBitForBitOnEveryRank) {
  expect_sum_in_rank_order<float>(1000);
  expect_sum_in_rank_order<double>(1000);
  expect_sum_in_rank_order<float>(1 << 18);  // 1 MB: sent in pieces
}

TEST(MpiProcessGroupTest, AllReduceSumOfDifferentLengthsFailsOnEveryRankAndTheGroupGoesOn) {
  std::vector<double> values(world().rank() == 1 ? 11 : 10, 1.0);
  try {
    world().all_reduce_sum(std::span<double>(values), "step 7 gradients");
    ADD_FAILURE() << "no error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_STREQ(e.what(), "step 7 gradients: rank 1 sums 11 values, rank 0 10");
  }
  world().barrier("after the bad sum");  // not broken: the ranks are still in step
}

TEST(MpiProcessGroupTest, AgreeThrowsTheFailedRanksErrorOnEveryRank) {
  EXPECT_NO_THROW(agree(world(), Status(), "shards written"));
  const int last = world().size() - 1;
  const Status mine = world().rank() == last ? Status(StatusCode::kNotFound,
                                                      "model.ckpt-5.data-00001-of-00002 missing")
                                             : Status();
  try {
    agree(world(), mine, "shards written");
    ADD_FAILURE() << "no error";
  } catch (const NotFoundError& e) {
    EXPECT_EQ(std::string(e.what()),
              "rank " + std::to_string(last) + ": model.ckpt-5.data-00001-of-00002 missing");
  }
}

}  // namespace
}  // namespace cairn::distribute

int main(int argc, char** argv) { return cairn::distribute::testing::run_all_tests(argc, argv); }
