// `cairn train --estimator keras --model FILE`: a Keras model (model.json or
// .h5) trained as an Estimator into a model_dir, then evaluated, predicted
// and trained on from that directory alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/keras.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

keras::Model iris_functional_model() {
  keras::KerasTensor in = keras::Input({4}, "measurements");
  keras::KerasTensor h = keras::Dense(16, {.activation = "relu", .name = "hidden"})(in);
  return keras::Model({in}, {keras::Dense(3, {.activation = "softmax", .name = "species"})(h)});
}

class KerasEstimatorCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() + "/keras_iris";
    train_ = testing::project_data_dir() + "/iris_training.csv";
    test_ = testing::project_data_dir() + "/iris_test.csv";
  }
  testing::CommandResult run(const std::string& args) { return run_command(cairn_command(args)); }
  testing::CommandResult train(const std::string& extra) {
    return run("train --model-dir " + shell_quote(dir_) + " --train " + shell_quote(train_) +
               " --seed 3 " + extra);
  }
  json evaluate() {
    auto e = run("evaluate --model-dir " + shell_quote(dir_) + " --data " + shell_quote(test_) +
                 " --json");
    EXPECT_EQ(e.exit_code, 0) << e.err;
    return e.exit_code == 0 ? json::parse(e.out) : json();
  }
  // Keras's model.to_json() of iris_functional_model(), in the temporary directory.
  std::string write_model_json() {
    const std::string path = tmp_.path() + "/model.json";
    const json config = json::parse(iris_functional_model().get_config().dump());
    std::ofstream(path) << json{{"class_name", "Functional"}, {"config", config}}.dump();
    return path;
  }
  cairn::testing::TempDir tmp_;
  std::string dir_, train_, test_;
};

TEST_F(KerasEstimatorCommandTest, ModelJsonTrainsThenTheDirectoryAloneEvaluatesPredictsResumes) {
  const std::string model_json = write_model_json();
  auto t = train("--estimator keras --model " + shell_quote(model_json) +
                 " --learning-rate 0.03 --steps 300 --batch-size 30 --no-progress");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("model.ckpt-300"), std::string::npos) << t.out;
  std::filesystem::remove(model_json);  // the directory is enough from here on

  json metrics = evaluate();
  EXPECT_GE(metrics["accuracy"].get<double>(), 0.9) << metrics.dump();
  EXPECT_EQ(metrics["global_step"], 300);

  auto p =
      run("predict --model-dir " + shell_quote(dir_) + " --data " + shell_quote(test_) + " --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  json rows = json::parse(p.out);
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(rows[0]["species"].size(), 3u) << rows[0].dump();

  auto again = train("--steps 20 --no-progress");  // no --model: the recorded model
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(evaluate()["global_step"], 320);
}

// Adam's first step moves each weight by about the learning rate: the flag's.
TEST_F(KerasEstimatorCommandTest, LearningRateFlagSetsTheOptimizers) {
  const std::string model_json = write_model_json();
  ASSERT_EQ(train("--estimator keras --model " + shell_quote(model_json) +
                  " --learning-rate 0.05 --steps 1 --no-progress")
                .exit_code,
            0);
  const Tensor before =
      CheckpointReader(dir_ + "/keras/keras_model.ckpt").get_tensor("hidden/kernel");
  const Tensor after = CheckpointReader(dir_ + "/model.ckpt-1").get_tensor("hidden/kernel");
  float largest = 0;
  for (int64_t i = 0; i < before.num_elements(); ++i) {
    largest = std::max(largest, std::abs(after.flat<float>()[i] - before.flat<float>()[i]));
  }
  EXPECT_GT(largest, 0.04f);
  EXPECT_LT(largest, 0.0501f);
}

TEST_F(KerasEstimatorCommandTest, CompiledH5ModelTrainsWithItsOwnLossAndOptimizer) {
  const std::string h5 = tmp_.path() + "/iris.h5";
  keras::Model model = iris_functional_model();
  model.compile({.optimizer = keras::Adam{.learning_rate = 0.03},
                 .loss = {"sparse_categorical_crossentropy"},
                 .metrics = {"accuracy"}});
  model.save(h5);
  auto t = train("--estimator keras --model " + shell_quote(h5) + " --steps 300 --no-progress");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_GE(evaluate()["accuracy"].get<double>(), 0.9);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/keras/keras_model.ckpt.index"));
}

TEST_F(KerasEstimatorCommandTest, ANewDirectoryWithoutAModelOrWithCannedFlagsIsRefused) {
  auto t = train("--estimator keras --steps 5 --no-progress");
  EXPECT_NE(t.exit_code, 0);
  EXPECT_NE(t.err.find("needs --model"), std::string::npos) << t.err;
  auto h = train("--estimator keras --model x.json --hidden-units 4 --steps 5 --no-progress");
  EXPECT_NE(h.exit_code, 0);
  EXPECT_NE(h.err.find("--hidden-units"), std::string::npos) << h.err;
}

}  // namespace
}  // namespace cairn
