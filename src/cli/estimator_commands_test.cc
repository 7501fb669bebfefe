// `cairn train|evaluate|predict` run as a user runs them.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

class EstimatorCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() + "/iris";
    train_ = testing::project_data_dir() + "/iris_training.csv";
    test_ = testing::project_data_dir() + "/iris_test.csv";
  }
  testing::CommandResult train(const std::string& extra) {
    return run_command(cairn_command("train --model-dir " + shell_quote(dir_) + " --train " +
                                     shell_quote(train_) + " --seed 3 " + extra));
  }
  testing::TempDir tmp_;
  std::string dir_, train_, test_;
};

TEST_F(EstimatorCommandsTest, TrainThenEvaluateAndPredictFromTheDirectoryAlone) {
  auto t = train("--hidden-units 10,10 --steps 600 --batch-size 50");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.err.find("Saving checkpoints for 600 into"), std::string::npos) << t.err;

  auto e = run_command(cairn_command("evaluate --model-dir " + shell_quote(dir_) + " --data " +
                                     shell_quote(test_) + " --json"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json metrics = json::parse(e.out);
  EXPECT_GE(metrics["accuracy"].get<double>(), 0.9);
  EXPECT_EQ(metrics["global_step"], 600);
  EXPECT_TRUE(metrics.contains("average_loss"));
  EXPECT_TRUE(metrics.contains("loss"));

  auto p = run_command(cairn_command("predict --model-dir " + shell_quote(dir_) + " --data " +
                                     shell_quote(test_) + " --json"));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  json rows = json::parse(p.out);
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(rows[0]["probabilities"].size(), 3u);
  EXPECT_TRUE(rows[0]["class_id"].is_number_integer());
}

TEST_F(EstimatorCommandsTest, ContradictingHiddenUnitsIsTheIncompatibleRestoreError) {
  ASSERT_EQ(train("--hidden-units 10,10 --steps 20").exit_code, 0);
  auto t = train("--hidden-units 20,20 --steps 20");
  EXPECT_NE(t.exit_code, 0);
  EXPECT_NE(t.err.find("INVALID_ARGUMENT"), std::string::npos) << t.err;
  EXPECT_NE(t.err.find("dnn/hiddenlayer_1/bias/t_0/Adagrad: model [20], checkpoint [10]"),
            std::string::npos)
      << t.err;
}

TEST_F(EstimatorCommandsTest, ResumesAndKeepsTheNewestCheckpoints) {
  ASSERT_EQ(train("--steps 30 --save-checkpoints-steps 5 --keep-checkpoint-max 2").exit_code, 0);
  ASSERT_EQ(train("--steps 30 --save-checkpoints-steps 5 --keep-checkpoint-max 2").exit_code, 0);
  auto ls = run_command("ls " + shell_quote(dir_) + " | grep -c '\\.index$'");
  EXPECT_EQ(ls.out, "2\n");
  auto i = run_command(cairn_command("inspect " + shell_quote(dir_) + " --tensor global_step"));
  EXPECT_NE(i.out.find("  60\n"), std::string::npos) << i.out << i.err;
}

TEST_F(EstimatorCommandsTest, ErrorsGoToStderrWithNonZeroExit) {
  auto e = run_command(
      cairn_command("evaluate --model-dir " + shell_quote(dir_) + " --data " + shell_quote(test_)));
  EXPECT_NE(e.exit_code, 0);
  EXPECT_NE(e.err.find("no checkpoint"), std::string::npos) << e.err;
  auto both = train("--save-checkpoints-steps 5 --save-checkpoints-secs 5");
  EXPECT_NE(both.exit_code, 0);
  auto missing = run_command(
      cairn_command("train --model-dir " + shell_quote(dir_) + " --train /no/such.csv"));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/no/such.csv"), std::string::npos) << missing.err;
}

TEST_F(EstimatorCommandsTest, EvaluatesATensorFlowWrittenDirectory) {
  auto fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  run_command("cp -r " + shell_quote(*fixtures + "/hishmad-iris-estimator/iris_model") + " " +
              shell_quote(dir_));
  auto e = run_command(cairn_command("evaluate --model-dir " + shell_quote(dir_) + " --data " +
                                     shell_quote(test_) + " --json"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json metrics = json::parse(e.out);
  EXPECT_NEAR(metrics["accuracy"].get<double>(), 0.966667, 1e-6);
  EXPECT_NEAR(metrics["loss"].get<double>(), 0.299235, 1e-5);
  EXPECT_EQ(metrics["global_step"], 8000);
}

// Issue 19: flags and files that used to crash (heap overflow, rc 134 from
// an uncaught bad_alloc) or pass silently are each refused with exit 1 and a
// message naming the flag, field or file.
class TrainFlagsTest : public EstimatorCommandsTest {
 protected:
  // Runs `train` with `extra` flags; expects exit 1 and `expected` on stderr.
  void expect_refused(const std::string& extra, const std::string& expected) {
    auto t = train(extra + " --steps 2");
    EXPECT_EQ(t.exit_code, 1) << extra << "\n" << t.err;
    EXPECT_NE(t.err.find(expected), std::string::npos) << extra << "\n" << t.err;
  }
  std::string write_csv(const std::string& name, const std::string& text) {
    std::string path = tmp_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  testing::CommandResult train_on(const std::string& csv) {
    return run_command(cairn_command("train --model-dir " + shell_quote(dir_) + " --train " +
                                     shell_quote(csv) + " --steps 2"));
  }
};

TEST_F(TrainFlagsTest, NegativeOrZeroHiddenUnitsAreRefusedNamingTheFlag) {
  expect_refused("--hidden-units -3", "INVALID_ARGUMENT: --hidden-units is -3");
  expect_refused("--hidden-units 10,0", "INVALID_ARGUMENT: --hidden-units is 0");
}

TEST_F(TrainFlagsTest, HugeHiddenUnitsAreResourceExhaustedNotAnAbort) {
  expect_refused("--hidden-units 100000000,100000000",
                 "RESOURCE_EXHAUSTED: model spec: layer dnn/hiddenlayer_0 has a kernel of shape "
                 "[4, 100000000]");
}

TEST_F(TrainFlagsTest, HugeNClassesIsResourceExhaustedNotAnAbort) {
  expect_refused("--n-classes 100000000", "layer dnn/logits has a kernel of shape [10, 100000000]");
  expect_refused("--n-classes 1", "INVALID_ARGUMENT: --n-classes is 1");
}

TEST_F(TrainFlagsTest, HugeBatchSizeIsRefusedNotAnAbort) {
  expect_refused("--batch-size 9223372036854775807",
                 "INVALID_ARGUMENT: --batch-size is 9223372036854775807");
  expect_refused("--batch-size 0", "INVALID_ARGUMENT: --batch-size is 0");
  auto e = run_command(cairn_command("evaluate --model-dir " + shell_quote(dir_) + " --data " +
                                     shell_quote(test_) + " --batch-size -1"));
  EXPECT_EQ(e.exit_code, 1) << e.err;
  EXPECT_NE(e.err.find("--batch-size is -1"), std::string::npos) << e.err;
}

TEST_F(TrainFlagsTest, NegativeLearningRateIsRefused) {
  expect_refused("--learning-rate -1", "INVALID_ARGUMENT: model spec: learning_rate is -1");
}

TEST_F(TrainFlagsTest, NanSaveCheckpointsSecsIsRefused) {
  expect_refused("--save-checkpoints-secs nan", "save_checkpoints_secs (--save-checkpoints-secs)");
}

TEST_F(TrainFlagsTest, HugeLabelInferringBillionClassesIsRefusedNamingTheRow) {
  std::string csv = write_csv("big_label.csv", "1,2,3,4,0\n5,6,7,8,1000000000\n");
  auto t = train_on(csv);
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_NE(t.err.find("label 1000000000 in " + csv + " (data row 2) implies 1000000001 classes"),
            std::string::npos)
      << t.err;
  EXPECT_NE(t.err.find("pass --n-classes or fix the label"), std::string::npos) << t.err;
}

TEST_F(TrainFlagsTest, FirstRowWithAnEmptyFieldFailsInsteadOfTrainingZeroSteps) {
  auto t = train_on(write_csv("gap.csv", "1,,3,4,0\n5,6,7,8,1\n"));
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_NE(t.err.find("gap.csv:1: column 2: '' is not a number"), std::string::npos) << t.err;
}

TEST_F(TrainFlagsTest, IrisHeaderWithoutRowsSaysSo) {
  std::string csv = write_csv("empty.csv", "0,4,setosa,versicolor,virginica\n");
  auto t = train_on(csv);
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_NE(t.err.find(csv + " has a header but no data rows"), std::string::npos) << t.err;
  auto blank = train_on(write_csv("blank.csv", "\n"));
  EXPECT_EQ(blank.exit_code, 1) << blank.err;
  EXPECT_NE(blank.err.find("has no data rows"), std::string::npos) << blank.err;
}

// The spec recorded in model.ckpt-N.meta is untrusted: hidden_units [-3, 10]
// overflowed a heap buffer in Dense::initialize during evaluate.
TEST_F(TrainFlagsTest, NegativeHiddenUnitsInTheMetaSpecAreRefusedByEvaluate) {
  ASSERT_EQ(train("--hidden-units 10,10 --steps 1").exit_code, 0);
  std::string meta = dir_ + "/model.ckpt-1.meta";
  std::string bytes;
  {
    std::ifstream in(meta, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string units = "\"hidden_units\":[10,10]";  // same length as the crafted one
  ASSERT_NE(bytes.find(units), std::string::npos);
  bytes.replace(bytes.find(units), units.size(), "\"hidden_units\":[-3,10]");
  std::ofstream(meta, std::ios::binary) << bytes;
  for (const char* command : {"evaluate", "predict"}) {
    auto e = run_command(cairn_command(std::string(command) + " --model-dir " + shell_quote(dir_) +
                                       " --data " + shell_quote(test_)));
    EXPECT_EQ(e.exit_code, 1) << e.err;
    EXPECT_NE(e.err.find("INVALID_ARGUMENT: " + meta + ": model spec: hidden_units[0] is -3"),
              std::string::npos)
        << e.err;
  }
}

}  // namespace
}  // namespace cairn
