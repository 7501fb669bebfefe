// `cairn-bench io`: its JSON carries the figures `make bench` reads, every
// run's checkpoint restores (a save that wrote nothing could not), and the
// directory is left as it was found.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn::bench {
namespace {

using cairn::testing::bench_command;
using cairn::testing::run_command;
using cairn::testing::shell_quote;

TEST(BenchIoTest, JsonReportsSaveAndRestoreThroughputAndLeavesNothingBehind) {
  cairn::testing::TempDir dir;
  auto run = run_command(bench_command("io --dir " + shell_quote(dir.path()) +
                                       " --size-mb 3 --tensors 7 --runs 3 --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["bytes"], 3 << 20);
  EXPECT_EQ(doc["tensors"], 7);
  EXPECT_EQ(doc["runs"], 3);
  for (const char* key : {"save_gbps", "restore_gbps"}) {
    const double median = doc[key], min = doc[std::string(key) + "_min"],
                 max = doc[std::string(key) + "_max"];
    EXPECT_GT(min, 0.0) << key;
    EXPECT_LE(min, median) << key;
    EXPECT_LE(median, max) << key;
  }
  EXPECT_TRUE(value_or_throw(default_file_system().list_directory(dir.path())).empty());
}

TEST(BenchIoTest, TextReportAndBadArguments) {
  cairn::testing::TempDir dir;
  auto text = run_command(
      bench_command("io --dir " + shell_quote(dir.path()) + " --size-mb 1 --tensors 2 --runs 1"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("save "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("restore "), std::string::npos) << text.out;
  auto bad = run_command(
      bench_command("io --dir " + shell_quote(dir.path()) + " --size-mb 1 --tensors 0"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--tensors"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.rfind("cairn-bench io: ", 0), 0u) << bad.err;
}

}  // namespace
}  // namespace cairn::bench
