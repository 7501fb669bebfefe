// `mpirun -np N cairn train` end to end, with a real mpirun: two ranks write
// one checkpoint in two shards that tfckpt.py reads; the checkpoint resumes
// at 1, 2 and 3 ranks to the same values; a second job on the directory is
// refused; a stopped rank is named with its step and the job ends; and the
// MPI variant of the crash test: a rank SIGKILLed at random moments (most of
// them inside a save, one per step) never leaves a damaged newest checkpoint.
//
// The test launches mpirun itself (cmake/CairnMpiTest.cmake,
// cairn_mpi_launching_test, sets the environment Open MPI needs here).
//   CAIRN_MPI_CRASH_KILLS  number of kills (default 6)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "testing/mpirun.h"
#include "testing/test_util.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;
using testing::cairn_command;
using ::testing::HasSubstr;
using testing::run_command;
using testing::shell_quote;

// Global batches of 30 Iris rows; the same shuffle on every rank.
std::string train_args(const std::string& dir, int64_t steps) {
  return "train --model-dir " + shell_quote(dir) + " --train " +
         shell_quote(testing::project_data_dir() + "/iris_training.csv") +
         " --batch-size 30 --seed 7 --no-progress --steps " + std::to_string(steps);
}

std::string on_ranks(int np, const std::string& args) {
  return testing::mpirun_command(np, testing::cli_path() + " " + args);
}

// The largest relative change ||a-b||/||a|| over the tensors of two checkpoints.
double largest_relative_change(const std::string& a, const std::string& b) {
  auto run = run_command(cairn_command("diff --json " + shell_quote(a) + " " + shell_quote(b)));
  EXPECT_LE(run.exit_code, 1) << run.err;
  nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_TRUE(doc["only_in_a"].empty() && doc["only_in_b"].empty()) << run.out;
  double largest = 0;
  for (const auto& t : doc["tensors"]) {
    if (t["name"] == "global_step") continue;
    largest = std::max(largest, t["relative_change"].get<double>());
  }
  return largest;
}

TEST(MpirunTrainTest, TwoRanksWriteTwoShardsThatResumeAtOneTwoAndThreeRanks) {
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/iris";
  auto trained = run_command(on_ranks(2, train_args(dir, 40)));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_EQ(trained.out, "trained to " + dir + "/model.ckpt-40\n");  // rank 0 alone prints
  EXPECT_TRUE(fs::exists(dir + "/model.ckpt-40.data-00000-of-00002"));
  EXPECT_TRUE(fs::exists(dir + "/model.ckpt-40.data-00001-of-00002"));
  EXPECT_FALSE(fs::exists(dir + "/model.ckpt-40.data-00000-of-00001"));

  // One process with the same global batches of 30 rows trains the same model.
  const std::string alone = tmp.path() + "/alone";
  ASSERT_EQ(run_command(cairn_command(train_args(alone, 40))).exit_code, 0);
  EXPECT_LT(largest_relative_change(alone, dir), 1e-5);

  // The 2-shard checkpoint resumes at 1, 2 and 3 ranks: 20 more steps each.
  for (int np : {1, 2, 3}) {
    const std::string copy = tmp.path() + "/np" + std::to_string(np);
    fs::copy(dir, copy, fs::copy_options::recursive);
    auto resumed = run_command(np == 1 ? cairn_command(train_args(copy, 20))
                                       : on_ranks(np, train_args(copy, 20)));
    ASSERT_EQ(resumed.exit_code, 0) << np << " ranks: " << resumed.err;
    EXPECT_EQ(resumed.out, "trained to " + copy + "/model.ckpt-60\n");
    EXPECT_TRUE(fs::exists(copy + "/model.ckpt-60.data-00000-of-0000" + std::to_string(np)));
  }
  const std::string one = tmp.path() + "/np1";
  EXPECT_LT(largest_relative_change(one, tmp.path() + "/np2"), 1e-5);
  EXPECT_LT(largest_relative_change(one, tmp.path() + "/np3"), 1e-5);
  // Every rank count reads the 3-shard checkpoint: evaluate on one rank.
  auto evaluated = run_command(
      cairn_command("evaluate --json --model-dir " + shell_quote(tmp.path() + "/np3") + " --data " +
                    shell_quote(testing::project_data_dir() + "/iris_test.csv")));
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_EQ(nlohmann::json::parse(evaluated.out)["global_step"], 60);
}

TEST(MpirunTrainTest, TfckptReadsEveryTensorOfTheTwoShardCheckpoint) {
  auto tools = testing::tools_dir();
  if (!tools || !testing::python_has_modules("crc32c snappy")) GTEST_SKIP() << "no tfckpt.py";
  testing::TempDir tmp;
  ASSERT_EQ(run_command(on_ranks(2, train_args(tmp.path(), 5))).exit_code, 0);
  auto ours = run_command(cairn_command("inspect --json " + shell_quote(tmp.path())));
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto theirs = run_command("/usr/bin/python3 " + shell_quote(*tools + "/tfckpt.py") + " " +
                            shell_quote(tmp.path() + "/model.ckpt-5"));
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  const auto inspected = nlohmann::json::parse(ours.out);
  ASSERT_FALSE(inspected["tensors"].empty());
  for (const auto& t : inspected["tensors"]) {
    EXPECT_THAT(theirs.out, HasSubstr(t["name"].get<std::string>()));
  }
}

TEST(MpirunTrainTest, ASecondJobOnTheDirectoryIsRefused) {
  testing::TempDir tmp;
  testing::BackgroundCommand job(on_ranks(2, train_args(tmp.path(), 1000000)));
  ASSERT_TRUE(testing::wait_for_step_past(tmp.path(), 0, 60)) << job.finish().err;
  auto second = run_command(cairn_command(train_args(tmp.path(), 10)));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("is being written by another trainer"));
  job.kill_rank(0);
}

TEST(MpirunTrainTest, AStoppedRankIsNamedWithItsStepAndTheJobEnds) {
  testing::TempDir tmp;
  testing::BackgroundCommand job(
      on_ranks(2, train_args(tmp.path(), 1000000) + " --collective-timeout 2"));
  ASSERT_TRUE(testing::wait_for_step_past(tmp.path(), 0, 60)) << job.finish().err;
  job.signal_rank(1, SIGSTOP);
  testing::CommandResult ended = job.finish(/*timeout_seconds=*/60);
  EXPECT_NE(ended.exit_code, 0);
  // Stopped before or after it sent its gradients, rank 1 is named either way.
  EXPECT_THAT(ended.err, ::testing::ContainsRegex(
                             "step [0-9]+: rank 1 did not (arrive|take the result) within 2 s"));
  // What was saved before is intact.
  auto verified = run_command(cairn_command("verify " + shell_quote(tmp.path())));
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

// The crash test's MPI variant: a save every step, a random rank killed at a
// random moment, again and again; after each kill the directory verifies
// clean and its newest checkpoint never goes back.
TEST(MpirunTrainTest, ARankKilledAtRandomNeverDamagesTheNewestCheckpoint) {
  const char* env = std::getenv("CAIRN_MPI_CRASH_KILLS");
  const int kills = env ? std::atoi(env) : 6;
  testing::TempDir tmp;
  std::mt19937 rng(11);
  int64_t newest = 0;
  for (int kill = 0; kill < kills; ++kill) {
    testing::BackgroundCommand job(
        on_ranks(2, train_args(tmp.path(), 1000000) + " --save-checkpoints-steps 1"));
    ASSERT_TRUE(testing::wait_for_step_past(tmp.path(), newest, 60)) << job.finish().err;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 300)(rng)));
    job.kill_rank(std::uniform_int_distribution<int>(0, 1)(rng));
    testing::CommandResult ended = job.finish(/*timeout_seconds=*/60);
    EXPECT_NE(ended.exit_code, 0);
    auto verified = run_command(cairn_command("verify " + shell_quote(tmp.path())));
    ASSERT_EQ(verified.exit_code, 0) << "after kill " << kill << ":\n" << verified.out;
    const int64_t step = testing::newest_step(tmp.path());
    EXPECT_GE(step, newest) << "after kill " << kill;
    newest = step;
  }
  auto finished = run_command(on_ranks(2, train_args(tmp.path(), 3)));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(testing::newest_step(tmp.path()), newest + 3);
}

}  // namespace
}  // namespace cairn::cli
