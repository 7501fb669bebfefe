// A damaged newest checkpoint: evaluate and train restore the newest intact
// one and log a warning naming the damaged one; fail_on_damaged_checkpoint
// turns that into DataLossError.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

using testing::iris_options;

class DamagedCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() + "/iris";
    DNNClassifierOptions o = iris_options(dir_);
    o.config.save_checkpoints_steps = 100;
    DNNClassifier classifier(o);
    classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 300});
    // Corrupt one byte in the middle of the newest data file.
    const std::string data = dir_ + "/model.ckpt-300.data-00000-of-00001";
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(data) / 2));
    f.put('\x7f');
  }
  cairn::testing::TempDir tmp_;
  std::string dir_;
};

TEST_F(DamagedCheckpointTest, EvaluateFallsBackWithAWarning) {
  DNNClassifierOptions o = iris_options(dir_);
  testing::LogCapture log;
  o.config.log = log.sink();
  DNNClassifier classifier(o);
  EvalResult r = classifier.evaluate(testing::eval_input_fn(classifier.spec()));
  EXPECT_EQ(r.global_step, 201);  // saved at steps 1, 101, 201 and 300
  EXPECT_TRUE(log.contains("WARNING: checkpoint " + dir_ + "/model.ckpt-300 is damaged"));
  EXPECT_TRUE(log.contains("restoring " + dir_ + "/model.ckpt-201 instead"));
}

TEST_F(DamagedCheckpointTest, TrainingGoesOnFromTheIntactOne) {
  DNNClassifierOptions o = iris_options(dir_);
  o.config.save_checkpoints_steps = 100;
  DNNClassifier classifier(o);
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 150});
  EXPECT_EQ(classifier.latest_checkpoint(), dir_ + "/model.ckpt-351");
  EXPECT_EQ(classifier.evaluate(testing::eval_input_fn(classifier.spec())).global_step, 351);
}

TEST_F(DamagedCheckpointTest, FailOnDamagedIsDataLoss) {
  DNNClassifierOptions o = iris_options(dir_);
  o.config.fail_on_damaged_checkpoint = true;
  DNNClassifier classifier(o);
  EXPECT_THROW(classifier.evaluate(testing::eval_input_fn(classifier.spec())), DataLossError);
}

}  // namespace
}  // namespace cairn::estimator
