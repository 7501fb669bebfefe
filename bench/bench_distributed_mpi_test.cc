// `cairn-bench sharded-save` and `cairn-bench train` under a real
// `mpirun -np 2`: the JSON `make bench` reads (section distributed) names
// the ranks, the save wrote one data shard per rank that reads back, the
// directory is left as found, and a data-parallel training run reports the
// all-reduce cost of every rank. No timing is asserted.
//
// The test launches mpirun itself (cmake/CairnMpiTest.cmake,
// cairn_mpi_launching_test, sets the environment Open MPI needs here).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/io/file_system.h"
#include "testing/mpirun.h"
#include "testing/test_util.h"

namespace cairn::bench {
namespace {

using cairn::testing::bench_command;
using cairn::testing::mpirun_command;
using cairn::testing::run_command;
using cairn::testing::shell_quote;

constexpr const char* kFashionMnist =
    "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

nlohmann::json run_json(const std::string& command) {
  auto run = run_command(command);
  EXPECT_EQ(run.exit_code, 0) << run.err << run.out;
  return nlohmann::json::parse(run.out);  // rank 0 alone prints
}

void expect_sharded_save(const nlohmann::json& doc, int ranks) {
  EXPECT_EQ(doc["ranks"], ranks);
  EXPECT_EQ(doc["shards"], ranks);
  EXPECT_EQ(doc["bytes"], 3 << 20);
  EXPECT_EQ(doc["tensors"], 7);
  ASSERT_EQ(doc["save_seconds"].size(), 2u);
  const double median = doc["save_gbps"], min = doc["save_gbps_min"], max = doc["save_gbps_max"];
  EXPECT_GT(min, 0.0);
  EXPECT_LE(min, median);
  EXPECT_LE(median, max);
}

TEST(BenchDistributedTest, ShardedSaveWritesOneShardPerRankAndLeavesNothingBehind) {
  cairn::testing::TempDir dir;
  const std::string args =
      "sharded-save --dir " + shell_quote(dir.path()) + " --size-mb 3 --tensors 7 --runs 2 --json";
  expect_sharded_save(run_json(mpirun_command(2, bench_command(args))), 2);
  EXPECT_TRUE(value_or_throw(default_file_system().list_directory(dir.path())).empty());
  expect_sharded_save(run_json(bench_command(args)), 1);  // without mpirun: the group of one
  EXPECT_TRUE(value_or_throw(default_file_system().list_directory(dir.path())).empty());
}

TEST(BenchDistributedTest, TrainOnTwoRanksReportsTheAllReduceOfEach) {
  if (!default_file_system().file_exists(kFashionMnist)) GTEST_SKIP() << kFashionMnist;
  const nlohmann::json doc = run_json(mpirun_command(
      2, bench_command("train --model mnist --samples 640 --seconds 0.3 --threads 1 --json")));
  EXPECT_EQ(doc["ranks"], 2);
  EXPECT_EQ(doc["batch"], 32);  // the global batch
  EXPECT_EQ(doc["batch_per_rank"], 16);
  EXPECT_GT(doc["samples_per_s"].get<double>(), 0.0);
  ASSERT_EQ(doc["all_reduce_share_by_rank"].size(), 2u);
  for (double share : doc["all_reduce_share_by_rank"]) {
    EXPECT_GT(share, 0.0);
    EXPECT_LT(share, 1.0);
  }
  EXPECT_GT(doc["all_reduce_seconds_per_step"].get<double>(), 0.0);
}

TEST(BenchDistributedTest, TrainUnderMpirunRefusesWhatItCannotSplit) {
  auto run = run_command(mpirun_command(2, bench_command("train --model iris --seconds 0.1")));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("cairn-bench train: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("mnist or mlp only"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace cairn::bench
