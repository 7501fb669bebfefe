// `cairn bench ...` (src/cli/bench_forward.h): runs the cairn-bench built
// beside cairn with the same arguments and passes its output and exit status
// through; without one there, a clear NOT_FOUND. No timing is asserted.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "testing/test_util.h"

namespace cairn::bench {
namespace {

using cairn::testing::cairn_command;
using cairn::testing::run_command;
using cairn::testing::shell_quote;

TEST(BenchForwardTest, CairnBenchRunsCairnBenchWithTheSameArguments) {
  auto run = run_command(cairn_command("bench gemm --threads 1 --n 32 --runs 2 --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["n"], 32);
  EXPECT_EQ(doc["threads"], 1);
  EXPECT_EQ(doc["seconds"].size(), 2u);
}

TEST(BenchForwardTest, ItsErrorsAndExitStatusComeThrough) {
  auto run = run_command(cairn_command("bench train --model resnet"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cairn-bench train: INVALID_ARGUMENT: --model must be"), std::string::npos)
      << run.err;
  auto help = run_command(cairn_command("bench --help"));
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("sharded-save"), std::string::npos) << help.out;
}

TEST(BenchForwardTest, WithoutCairnBenchBesideItSaysWhatIsMissing) {
  cairn::testing::TempDir dir;
  const std::string copy = dir.path() + "/cairn";
  // A hard link runs as `copy` (/proc/self/exe names the path executed); a
  // copy where the temporary directory is on another file system.
  std::error_code linked;
  std::filesystem::create_hard_link(cairn::testing::cli_path(), copy, linked);
  if (linked) std::filesystem::copy_file(cairn::testing::cli_path(), copy);
  auto run = run_command(shell_quote(copy) + " bench gemm");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cairn bench: NOT_FOUND: no benchmark program at " + dir.path() +
                         "/cairn-bench"),
            std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace cairn::bench
