// The `cairn` command under a virtual-memory limit (`ulimit -v 200000`).
// OpenBLAS, linked into the program, used to start its threads at load time,
// each retrying a failed 128 MiB mmap forever: every command hung, `inspect`
// included. Now commands without a matrix product do not load it, and those
// with one either fit or stop with an out-of-memory error. Each run is under
// `timeout`, so a hang fails the test instead of blocking it.
#include <gtest/gtest.h>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/sequential.h"
#include "testing/sanitizers.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::run_command;
using testing::shell_quote;

constexpr int kLimitKiB = 200000;
constexpr int kTimeoutSeconds = 30;  // a hang is killed here (exit 137)

testing::CommandResult run_limited(const std::string& args) {
  return run_command("ulimit -v " + std::to_string(kLimitKiB) + " && exec timeout -s KILL " +
                     std::to_string(kTimeoutSeconds) + " " + shell_quote(testing::cli_path()) +
                     " " + args);
}

class MemoryLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::kBuiltWithAddressSanitizer) {
      GTEST_SKIP() << "AddressSanitizer maps terabytes of shadow memory: no ulimit -v applies";
    }
  }
  testing::TempDir dir_;
};

TEST_F(MemoryLimitTest, InspectUnderUlimitVFinishesInsteadOfSpinning) {
  const std::string prefix = dir_.path() + "/model.ckpt-1";
  save_variables(prefix, {{"dense/bias", Tensor::from_vector<float>({0.5f, 1.5f}, {2})}});
  auto r = run_limited("inspect " + shell_quote(prefix));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "dense/bias\tfloat32\t[2]\n");
}

// `summary` parses the .h5 in a forked child: the fork no longer waits on
// BLAS threads stuck in mmap.
TEST_F(MemoryLimitTest, SummaryOfAnH5ForksItsParserAndFinishes) {
  keras::Sequential model({keras::Dense(3, {.input_shape = keras::Shape{4}})});
  model.save(dir_.path() + "/model.h5");
  auto r = run_limited("summary " + shell_quote(dir_.path() + "/model.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("dense"), std::string::npos) << r.out;
}

// Training multiplies matrices: it fits, or says it ran out of memory.
TEST_F(MemoryLimitTest, TrainEitherFitsOrFailsOutOfMemory) {
  const std::string data = testing::project_data_dir() + "/iris_training.csv";
  auto r = run_limited("train --model-dir " + shell_quote(dir_.path() + "/iris") + " --train " +
                       shell_quote(data) + " --steps 20 --hidden-units 10,10");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "exit " << r.exit_code << ": " << r.err;
  if (r.exit_code == 1) {
    EXPECT_NE(r.err.find("out of memory"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace cairn
