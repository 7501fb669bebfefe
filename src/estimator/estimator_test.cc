// The seeds' scenario end to end: train into a model_dir, the files it
// holds, resuming, evaluating and predicting from the newest checkpoint.
#include "cairn/estimator/estimator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <limits>
#include <regex>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

using testing::iris_options;

std::string hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

TEST(EstimatorTest, FirstTrainWritesExactlyTheSeedsListing) {
  cairn::testing::TempDir tmp;
  std::string dir = tmp.path() + "/models/iris";
  DNNClassifier classifier(iris_options(dir));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 200});

  std::vector<std::string> files = testing::listing(dir);
  ASSERT_EQ(files.size(), 9u) << ::testing::PrintToString(files);
  EXPECT_EQ(files[0], "checkpoint");
  EXPECT_TRUE(std::regex_match(files[1], std::regex(R"(events\.out\.tfevents\.\d{10}\..+)")))
      << files[1];
  EXPECT_EQ(files[1].substr(files[1].size() - hostname().size()), hostname());
  EXPECT_EQ(std::vector<std::string>(files.begin() + 2, files.end()),
            (std::vector<std::string>{"graph.pbtxt", "model.ckpt-1.data-00000-of-00001",
                                      "model.ckpt-1.index", "model.ckpt-1.meta",
                                      "model.ckpt-200.data-00000-of-00001", "model.ckpt-200.index",
                                      "model.ckpt-200.meta"}));
  EXPECT_EQ(classifier.latest_checkpoint(), dir + "/model.ckpt-200");
}

TEST(EstimatorTest, CheckpointHoldsTensorFlowNames) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(iris_options(tmp.path()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 5});
  CheckpointReader reader(tmp.path());
  std::map<std::string, std::string> shapes;
  for (const auto& v : reader.list_variables()) {
    shapes[v.name] = std::string(dtype_name(v.dtype)) + " " + v.shape.to_string();
  }
  std::map<std::string, std::string> expected = {
      {"dnn/hiddenlayer_0/kernel", "float32 [4, 10]"},
      {"dnn/hiddenlayer_0/kernel/t_0/Adagrad", "float32 [4, 10]"},
      {"dnn/hiddenlayer_0/bias", "float32 [10]"},
      {"dnn/hiddenlayer_0/bias/t_0/Adagrad", "float32 [10]"},
      {"dnn/hiddenlayer_1/kernel", "float32 [10, 10]"},
      {"dnn/hiddenlayer_1/kernel/t_0/Adagrad", "float32 [10, 10]"},
      {"dnn/hiddenlayer_1/bias", "float32 [10]"},
      {"dnn/hiddenlayer_1/bias/t_0/Adagrad", "float32 [10]"},
      {"dnn/logits/kernel", "float32 [10, 3]"},
      {"dnn/logits/kernel/t_0/Adagrad", "float32 [10, 3]"},
      {"dnn/logits/bias", "float32 [3]"},
      {"dnn/logits/bias/t_0/Adagrad", "float32 [3]"},
      {"global_step", "int64 []"}};
  EXPECT_EQ(shapes, expected);
  EXPECT_EQ(reader.get_tensor("global_step").flat<int64_t>()[0], 5);
}

TEST(EstimatorTest, SecondTrainContinuesFromTheNewestCheckpoint) {
  cairn::testing::TempDir tmp;
  {
    DNNClassifier classifier(iris_options(tmp.path()));
    classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 200});
  }
  testing::LogCapture log;
  auto options = iris_options(tmp.path());
  options.config.log = log.sink();
  DNNClassifier again(options);
  again.train(testing::train_input_fn(again.spec()), {.steps = 200});
  EXPECT_TRUE(log.contains("Restoring parameters from " + tmp.path() + "/model.ckpt-200"));
  EXPECT_TRUE(log.contains("Saving checkpoints for 201 into " + tmp.path() + "/model.ckpt."));
  EXPECT_TRUE(log.contains("Saving checkpoints for 400 into"));
  EXPECT_TRUE(log.contains("loss = "));
  EXPECT_EQ(again.latest_checkpoint(), tmp.path() + "/model.ckpt-400");
  auto state = get_checkpoint_state(tmp.path());
  EXPECT_EQ(
      state.all_model_checkpoint_paths,
      (std::vector<std::string>{tmp.path() + "/model.ckpt-1", tmp.path() + "/model.ckpt-200",
                                tmp.path() + "/model.ckpt-201", tmp.path() + "/model.ckpt-400"}));
  // max_steps already reached: nothing to do.
  again.train(testing::train_input_fn(again.spec()), {.max_steps = 300});
  EXPECT_EQ(again.latest_checkpoint(), tmp.path() + "/model.ckpt-400");
}

TEST(EstimatorTest, TrainsIrisToNinetyPercentAndPredictsTheSampleFlowers) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(iris_options(tmp.path()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 1000});
  EvalResult result = classifier.evaluate(testing::eval_input_fn(classifier.spec()));
  EXPECT_GE(result["accuracy"], 0.9);
  EXPECT_EQ(result.global_step, 1000);
  EXPECT_GT(result["average_loss"], 0.0);
  EXPECT_TRUE(default_file_system().is_directory(tmp.path() + "/eval"));

  CsvInput flowers;
  flowers.features.resize(3, 4);
  flowers.features << 5.1f, 3.3f, 1.7f, 0.5f, 5.9f, 3.0f, 4.2f, 1.5f, 6.9f, 3.1f, 5.4f, 2.1f;
  flowers.labels.resize(3, 0);
  auto spec = classifier.spec();
  auto predictions = classifier.predict([&] { return make_dataset(flowers, spec).batch(10); });
  ASSERT_EQ(predictions.size(), 3u);
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(predictions[static_cast<size_t>(i)].class_id, i);
    EXPECT_EQ(predictions[static_cast<size_t>(i)].probabilities.size(), 3u);
  }
}

TEST(EstimatorTest, SameSeedRepeatsBitForBit) {
  cairn::testing::TempDir a, b;
  for (const auto* tmp : {&a, &b}) {
    DNNClassifier classifier(iris_options(tmp->path()));
    classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 50});
  }
  CheckpointReader ra(a.path()), rb(b.path());
  for (const auto& v : ra.list_variables()) {
    EXPECT_EQ(ra.get_tensor(v.name), rb.get_tensor(v.name)) << v.name;
  }
}

TEST(EstimatorTest, EvaluateWithoutCheckpointIsAClearError) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(iris_options(tmp.path() + "/empty"));
  try {
    classifier.evaluate(testing::eval_input_fn(classifier.spec()));
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("no checkpoint in model_dir"), std::string::npos);
  }
  EXPECT_THROW(classifier.predict(testing::eval_input_fn(classifier.spec())), NotFoundError);
}

TEST(EstimatorTest, NoModelDirMeansAFreshTemporaryDirectory) {
  auto options = iris_options("");
  DNNClassifier classifier(options);
  EXPECT_FALSE(classifier.model_dir().empty());
  EXPECT_TRUE(default_file_system().is_directory(classifier.model_dir()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 2});
  EXPECT_TRUE(classifier.latest_checkpoint().has_value());
  cairn::testing::run_command("rm -rf " + cairn::testing::shell_quote(classifier.model_dir()));
}

TEST(EstimatorTest, BothSaveSecsAndStepsIsAnError) {
  auto options = iris_options("/tmp/unused");
  options.config.save_checkpoints_secs = 10;
  options.config.save_checkpoints_steps = 10;
  EXPECT_THROW(DNNClassifier{options}, InvalidArgumentError);
}

TEST(EstimatorTest, RegressorAndLinearClassifierTrainOnTheSameMachinery) {
  cairn::testing::TempDir tmp;
  LinearClassifier linear({.feature_columns = testing::iris_columns(),
                           .n_classes = 3,
                           .model_dir = tmp.path() + "/linear",
                           .config = {.tf_random_seed = 1, .log = [](const std::string&) {}}});
  linear.train(testing::train_input_fn(linear.spec()), {.steps = 300});
  EXPECT_GE(linear.evaluate(testing::eval_input_fn(linear.spec()))["accuracy"], 0.8);
  CheckpointReader reader(tmp.path() + "/linear");
  EXPECT_TRUE(reader.has_tensor("linear/linear_model/PetalLength/weights"));
  EXPECT_TRUE(reader.has_tensor("linear/linear_model/bias_weights"));
  EXPECT_TRUE(reader.has_tensor("linear/linear_model/bias_weights/t_0/Ftrl"));

  DNNRegressor regressor(
      {.feature_columns = {data::numeric_column("SepalLength"), data::numeric_column("SepalWidth"),
                           data::numeric_column("PetalLength")},
       .hidden_units = {8},
       .model_dir = tmp.path() + "/regressor",
       .config = {.tf_random_seed = 1, .log = [](const std::string&) {}}});
  // Predict petal width from the other three measurements.
  CsvInput input = testing::iris_train();
  CsvInput reg;
  reg.features = input.features.leftCols(3);
  reg.labels = input.features.col(3);
  auto spec = regressor.spec();
  auto fn = [&] { return make_dataset(reg, spec).shuffle(200, 1).repeat().batch(32); };
  regressor.train(fn, {.steps = 500});
  auto result = regressor.evaluate([&] { return make_dataset(reg, spec).batch(120); });
  EXPECT_LT(result["average_loss"], 0.1);
  EXPECT_EQ(result.metrics.count("accuracy"), 0u);
}

// Issue 19: the global step is read from a checkpoint; adding steps to it
// must not overflow (signed overflow, UBSan).
TEST(EstimatorTest, StepsThatOverflowTheGlobalStepAreRefused) {
  cairn::testing::TempDir tmp;
  DNNClassifier classifier(iris_options(tmp.path()));
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 1});
  EXPECT_THROW(classifier.train(testing::train_input_fn(classifier.spec()),
                                {.steps = std::numeric_limits<int64_t>::max()}),
               InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::estimator
