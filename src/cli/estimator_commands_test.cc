// `cairn train|evaluate|predict` run as a user runs them.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cairn
