// `cairn verify` on a directory with a damaged checkpoint, on one prefix,
// and on a directory without checkpoints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cairn/checkpoint/save_variables.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::cairn_command;
using testing::run_command;

TEST(VerifyCommandTest, OneLinePerCheckpointAndExitStatus) {
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/m";
  for (int step : {1, 2}) {
    save_variables(dir + "/model.ckpt-" + std::to_string(step),
                   {{"w", Tensor::from_vector<float>({1, 2, 3, 4}, {4})},
                    {"global_step", Tensor::scalar<int64_t>(step)}});
  }
  auto good = run_command(cairn_command("verify " + dir));
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(good.out.find("ok       " + dir + "/model.ckpt-2 (2 tensors, "), 0u) << good.out;
  std::filesystem::resize_file(dir + "/model.ckpt-2.data-00000-of-00001", 3);
  auto bad = run_command(cairn_command("verify " + dir));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("DAMAGED  " + dir + "/model.ckpt-2: "), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("ok       " + dir + "/model.ckpt-1 ("), std::string::npos) << bad.out;
  auto one = run_command(cairn_command("verify " + dir + "/model.ckpt-1.index"));
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  auto none = run_command(cairn_command("verify " + tmp.path()));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no checkpoint"), std::string::npos) << none.err;
}

// Issue 19, finding 18: a kill during retention's deletion made `verify`
// exit 1; what it leaves is an orphan, and verify exits 0.
TEST(VerifyCommandTest, HalfDeletedBundleOfAKilledRetentionIsAnOrphanExitZero) {
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/m";
  for (int step : {1, 2, 3}) {
    save_variables(dir + "/model.ckpt-" + std::to_string(step),
                   {{"global_step", Tensor::scalar<int64_t>(step)}});
  }
  std::filesystem::remove(dir + "/model.ckpt-2.index");  // killed right after
  auto run = run_command(cairn_command("verify " + dir));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("orphan   " + dir + "/model.ckpt-2: incomplete"), std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("DAMAGED"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace cairn
