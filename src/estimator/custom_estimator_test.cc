// The seeds' model_dir behaviour for a model_fn of one's own (TensorFlow's
// custom_estimator.py): the listing after train(steps=200), TensorFlow's
// variable names, resume, restore on evaluate and predict, the full report
// for a changed model with the directory untouched, events, the graph with
// TensorFlow's op names, and from_model_dir without the model_fn.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/formats/events/event_runs.h"
#include "estimator/custom_estimator_test_util.h"

namespace cairn::estimator {
namespace {

using testing::custom_eval_input_fn;
using testing::custom_iris_options;
using testing::custom_train_input_fn;
using testing::iris_model_fn;

class CustomEstimatorTest : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_.path() + "/models/custom_iris"; }
  cairn::testing::TempDir tmp_;
};

TEST_F(CustomEstimatorTest, FirstTrainWritesTheSeedsListing) {
  Estimator classifier(iris_model_fn, custom_iris_options(dir()));
  classifier.train(custom_train_input_fn(), {.steps = 200});
  std::vector<std::string> files = testing::listing(dir());
  ASSERT_EQ(files.size(), 9u) << ::testing::PrintToString(files);
  EXPECT_EQ(files[0], "checkpoint");
  EXPECT_TRUE(std::regex_match(files[1], std::regex(R"(events\.out\.tfevents\.\d{10}\..+)")));
  EXPECT_EQ(std::vector<std::string>(files.begin() + 2, files.end()),
            (std::vector<std::string>{"graph.pbtxt", "model.ckpt-1.data-00000-of-00001",
                                      "model.ckpt-1.index", "model.ckpt-1.meta",
                                      "model.ckpt-200.data-00000-of-00001", "model.ckpt-200.index",
                                      "model.ckpt-200.meta"}));
}

TEST_F(CustomEstimatorTest, CheckpointHoldsTheNamesTensorFlowGivesTheLayers) {
  Estimator classifier(iris_model_fn, custom_iris_options(dir()));
  classifier.train(custom_train_input_fn(), {.steps = 5});
  classifier.train(custom_train_input_fn(), {.steps = 5});  // names restart on every call
  std::map<std::string, std::string> shapes;
  for (const auto& v : CheckpointReader(dir()).list_variables()) {
    shapes[v.name] = std::string(dtype_name(v.dtype)) + " " + v.shape.to_string();
  }
  const std::map<std::string, std::string> expected = {
      {"dense/kernel", "float32 [4, 10]"},
      {"dense/kernel/Adagrad", "float32 [4, 10]"},
      {"dense/bias", "float32 [10]"},
      {"dense/bias/Adagrad", "float32 [10]"},
      {"dense_1/kernel", "float32 [10, 10]"},
      {"dense_1/kernel/Adagrad", "float32 [10, 10]"},
      {"dense_1/bias", "float32 [10]"},
      {"dense_1/bias/Adagrad", "float32 [10]"},
      {"dense_2/kernel", "float32 [10, 3]"},
      {"dense_2/kernel/Adagrad", "float32 [10, 3]"},
      {"dense_2/bias", "float32 [3]"},
      {"dense_2/bias/Adagrad", "float32 [3]"},
      {"global_step", "int64 []"}};
  EXPECT_EQ(shapes, expected);
  EXPECT_EQ(CheckpointReader(dir()).get_tensor("global_step").flat<int64_t>()[0], 10);
}

TEST_F(CustomEstimatorTest, TrainsIrisResumesAndEvaluatesFromTheNewestCheckpoint) {
  testing::LogCapture log;
  EstimatorOptions options = custom_iris_options(dir());
  options.config.log = log.sink();
  {
    Estimator classifier(iris_model_fn, options);
    classifier.train(custom_train_input_fn(), {.steps = 500});
  }
  Estimator again(iris_model_fn, options);  // a new process would do the same
  again.train(custom_train_input_fn(), {.steps = 300});
  EXPECT_TRUE(log.contains("Restoring parameters from " + dir() + "/model.ckpt-500"));
  EXPECT_EQ(again.latest_checkpoint(), dir() + "/model.ckpt-800");
  EvalResult result = again.evaluate(custom_eval_input_fn());
  EXPECT_EQ(result.global_step, 800);
  EXPECT_GE(result["accuracy"], 0.9);
  EXPECT_LT(result["loss"], 0.3);
  EXPECT_EQ(result.metrics.size(), 2u) << "accuracy and loss, as TensorFlow's custom estimators";
  EXPECT_TRUE(log.contains("Saving dict for global step 800: accuracy = "));
}

TEST_F(CustomEstimatorTest, RunConfigScheduleAndRetentionHold) {
  EstimatorOptions options = custom_iris_options(dir());
  options.config.save_checkpoints_steps = 40;
  options.config.keep_checkpoint_max = 3;
  options.config.async_save = true;
  Estimator classifier(iris_model_fn, options);
  // TensorFlow's CheckpointSaverHook: the first step, every 40 steps after it, the last.
  classifier.train(custom_train_input_fn(), {.steps = 150});  // saves 1, 41, 81, 121, 150
  std::vector<std::string> indexes;
  for (const std::string& name : testing::listing(dir())) {
    if (name.ends_with(".index")) indexes.push_back(name);
  }
  EXPECT_EQ(indexes, (std::vector<std::string>{"model.ckpt-121.index", "model.ckpt-150.index",
                                               "model.ckpt-81.index"}));
}

TEST_F(CustomEstimatorTest, WarmStartsFromAnotherModelsCheckpoint) {
  {
    Estimator first(iris_model_fn, custom_iris_options(tmp_.path() + "/first"));
    first.train(custom_train_input_fn(), {.steps = 300});
  }
  // A step too small to learn anything: what it knows comes from the warm start.
  EstimatorOptions options = custom_iris_options(dir(), {{"learning_rate", 1e-9}});
  testing::LogCapture log;
  options.config.log = log.sink();
  options.warm_start_from = WarmStartSettings{.checkpoint = tmp_.path() + "/first"};
  Estimator warm(iris_model_fn, options);
  warm.train(custom_train_input_fn(), {.steps = 1});
  EXPECT_TRUE(log.contains("Warm-starting from " + tmp_.path() + "/first/model.ckpt-300"));
  const EvalResult result = warm.evaluate(custom_eval_input_fn());
  EXPECT_EQ(result.global_step, 1);
  EXPECT_GE(result["accuracy"], 0.9) << "one step from scratch would not be this good";
}

TEST_F(CustomEstimatorTest, PredictRestoresAndYieldsThePredictionsByName) {
  Estimator classifier(iris_model_fn, custom_iris_options(dir()));
  EXPECT_THROW(classifier.predict(custom_eval_input_fn()), NotFoundError);
  classifier.train(custom_train_input_fn(), {.steps = 500});
  std::vector<Prediction> predictions = classifier.predict(custom_eval_input_fn());
  ASSERT_EQ(predictions.size(), 30u);
  int correct = 0;
  for (size_t r = 0; r < predictions.size(); ++r) {
    const Prediction& p = predictions[r];
    ASSERT_EQ(p.outputs.size(), 3u);
    ASSERT_EQ(p.probabilities.size(), 3u);
    ASSERT_EQ(p.logits.size(), 3u);
    EXPECT_NEAR(p.probabilities[0] + p.probabilities[1] + p.probabilities[2], 1.0, 1e-5);
    EXPECT_EQ(p.class_id, std::max_element(p.logits.begin(), p.logits.end()) - p.logits.begin());
    correct += p.class_id == std::lround(testing::iris_test().labels(static_cast<long>(r), 0));
  }
  EXPECT_GE(correct, 27);
}

// The seeds' "bad restoration", for a custom model: every mismatch at once,
// the layer's changed settings named, and nothing in the directory changed.
class CustomIncompatibleRestoreTest : public CustomEstimatorTest {
 protected:
  void SetUp() override {
    Estimator classifier(iris_model_fn, custom_iris_options(dir()));
    classifier.train(custom_train_input_fn(), {.steps = 200});
    before_ = testing::snapshot(dir());
  }
  std::string train_and_catch(const Params& params) {
    Estimator changed(iris_model_fn, custom_iris_options(dir(), params));
    try {
      changed.train(custom_train_input_fn(), {.steps = 200});
    } catch (const InvalidArgumentError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected InvalidArgumentError";
    return "";
  }
  std::map<std::string, std::string> before_;
};

TEST_F(CustomIncompatibleRestoreTest, AnotherWidthReportsEveryTensorAndTheLayerSetting) {
  const std::string message = train_and_catch({{"hidden_units", {20, 10}}});
  for (const char* line : {
           "model.ckpt-200",
           "dense/kernel: model [4, 20], checkpoint [4, 10]",
           "dense/bias: model [20], checkpoint [10]",
           "dense/kernel/Adagrad: model [4, 20], checkpoint [4, 10]",
           "dense_1/kernel: model [20, 10], checkpoint [10, 10]",
           "layer 'dense' (Dense): units: model 20, checkpoint 10",
       }) {
    EXPECT_NE(message.find(line), std::string::npos) << "missing: " << line << "\n" << message;
  }
  EXPECT_EQ(testing::snapshot(dir()), before_) << "the failed call changed the directory";
}

TEST_F(CustomIncompatibleRestoreTest, AnotherLayerIsMissingFromTheCheckpoint) {
  const std::string message = train_and_catch({{"hidden_units", {10, 10, 10}}});
  for (const char* line : {"dense_3/kernel", "dense_3/bias",
                           "layer 'dense_3' (Dense): in the model, not in the checkpoint's"}) {
    EXPECT_NE(message.find(line), std::string::npos) << "missing: " << line << "\n" << message;
  }
  EXPECT_EQ(testing::snapshot(dir()), before_);
}

TEST_F(CustomIncompatibleRestoreTest, ALayerFewerLeavesTheCheckpointsWeightsUnused) {
  const std::string message = train_and_catch({{"hidden_units", {10}}});
  for (const char* line :
       {"dense_2/kernel", "layer 'dense_2' (Dense): in the checkpoint's model"}) {
    EXPECT_NE(message.find(line), std::string::npos) << "missing: " << line << "\n" << message;
  }
  EXPECT_EQ(testing::snapshot(dir()), before_);
}

// Without the .meta (a TensorFlow-written checkpoint has no record), a
// weight the model does not have still fails the restore: it is another
// model's, not an optimizer's slot.
TEST_F(CustomEstimatorTest, AnotherModelsWeightFailsTheRestoreWithoutARecord) {
  auto with_auxiliary = [](Features& f, const Labels& l, ModeKeys mode, const Params& p) {
    EstimatorSpec spec = iris_model_fn(f, l, mode, p);
    if (p.value("auxiliary", false)) {
      keras::KerasTensor aux = keras::Dense(1, {.name = "auxiliary"})(f.input_layer());
      spec.eval_metric_ops.insert_or_assign("aux", metrics::mean(aux));
    }
    return spec;
  };
  Estimator first(with_auxiliary, custom_iris_options(dir(), {{"auxiliary", true}}));
  first.train(custom_train_input_fn(), {.steps = 10});
  for (const std::string& name : testing::listing(dir())) {
    if (name.ends_with(".meta")) std::filesystem::remove(dir() + "/" + name);
  }
  Estimator without(with_auxiliary, custom_iris_options(dir()));
  try {
    without.evaluate(custom_eval_input_fn());
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("auxiliary/kernel"), std::string::npos) << e.what();
  }
}

TEST_F(CustomIncompatibleRestoreTest, EvaluateAndPredictReportTooAndChangeNothing) {
  Estimator changed(iris_model_fn, custom_iris_options(dir(), {{"hidden_units", {20, 10}}}));
  EXPECT_THROW(changed.evaluate(custom_eval_input_fn()), InvalidArgumentError);
  EXPECT_THROW(changed.predict(custom_eval_input_fn()), InvalidArgumentError);
  EXPECT_EQ(testing::snapshot(dir()), before_);
}

TEST_F(CustomEstimatorTest, EventsHoldLossStepRateGraphAndEvalMetrics) {
  EstimatorOptions options = custom_iris_options(dir());
  options.config.save_summary_steps = 10;
  options.config.log_step_count_steps = 10;
  Estimator classifier(iris_model_fn, options);
  classifier.train(custom_train_input_fn(), {.steps = 50});
  classifier.evaluate(custom_eval_input_fn());
  auto runs = value_or_throw(read_event_runs(default_file_system(), dir()));
  ASSERT_EQ(runs.size(), 2u);  // the model_dir and eval/
  std::map<std::string, std::vector<int64_t>> steps;
  for (const EventRun& run : runs) {
    for (const ScalarEvent& s : run.scalars) steps[run.name + ":" + s.tag].push_back(s.step);
  }
  EXPECT_EQ(steps[runs[0].name + ":loss"], (std::vector<int64_t>{1, 10, 20, 30, 40, 50}));
  EXPECT_EQ(steps[runs[0].name + ":global_step/sec"].size(), 5u);
  EXPECT_EQ(steps[runs[1].name + ":accuracy"], (std::vector<int64_t>{50}));
  EXPECT_EQ(steps[runs[1].name + ":loss"], (std::vector<int64_t>{50}));
  bool has_graph = false;
  for (const std::string& file : runs[0].files) {
    for (const tensorflow::Event& e : value_or_throw(read_events(default_file_system(), file))) {
      has_graph = has_graph || !e.graph_def().empty();
    }
  }
  EXPECT_TRUE(has_graph);
}

TEST_F(CustomEstimatorTest, GraphNamesTheLayersWithTensorFlowsOps) {
  Estimator classifier(iris_model_fn, custom_iris_options(dir()));
  classifier.train(custom_train_input_fn(), {.steps = 1});
  const std::string graph = value_or_throw(default_file_system().read_file(dir() + "/graph.pbtxt"));
  for (const char* node :
       {R"(name: "dense/MatMul")", R"(op: "BiasAdd")", R"(op: "Relu")", R"(name: "dense_2/kernel")",
        R"(name: "dense/kernel/Adagrad")", R"(name: "global_step")", R"(op: "SaveV2")",
        R"(op: "RestoreV2")", R"(name: "SepalLength")"}) {
    EXPECT_NE(graph.find(node), std::string::npos) << node;
  }
  const std::string meta =
      value_or_throw(default_file_system().read_file(dir() + "/model.ckpt-1.meta"));
  EXPECT_NE(meta.find("cairn_custom_model"), std::string::npos);
  EXPECT_NE(meta.find("sparse_softmax_cross_entropy"), std::string::npos);
}

TEST_F(CustomEstimatorTest, FromModelDirEvaluatesAndPredictsWithoutTheModelFn) {
  Estimator classifier(iris_model_fn, custom_iris_options(dir()));
  classifier.train(custom_train_input_fn(), {.steps = 300});
  const EvalResult expected = classifier.evaluate(custom_eval_input_fn());
  const std::vector<Prediction> predicted = classifier.predict(custom_eval_input_fn());

  RunConfig config;
  config.log = [](const std::string&) {};
  std::unique_ptr<Estimator> rebuilt = Estimator::from_model_dir(dir(), config);
  EXPECT_TRUE(rebuilt->is_custom());
  const EvalResult result = rebuilt->evaluate(custom_eval_input_fn());
  EXPECT_EQ(result.metrics, expected.metrics);
  EXPECT_EQ(result.global_step, 300);
  const std::vector<Prediction> again = rebuilt->predict(custom_eval_input_fn());
  ASSERT_EQ(again.size(), predicted.size());
  for (size_t r = 0; r < again.size(); ++r) EXPECT_EQ(again[r].logits, predicted[r].logits);
  rebuilt->train(custom_train_input_fn(), {.steps = 10});  // and it trains on
  EXPECT_EQ(rebuilt->latest_checkpoint(), dir() + "/model.ckpt-310");
}

TEST_F(CustomEstimatorTest, ASpecMissingWhatTheModeNeedsIsRefusedNamingIt) {
  auto no_optimizer = [](Features& f, const Labels& l, ModeKeys mode, const Params& p) {
    EstimatorSpec spec = iris_model_fn(f, l, mode, p);
    spec.optimizer.reset();
    return spec;
  };
  Estimator classifier(no_optimizer, custom_iris_options(dir()));
  try {
    classifier.train(custom_train_input_fn(), {.steps = 1});
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("model_fn in mode train: the EstimatorSpec needs an "
                                         "optimizer"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(classifier.latest_checkpoint());
}

TEST_F(CustomEstimatorTest, AnUnknownFeatureIsNamedWithTheOnesTheInputHas) {
  auto reads_color = [](Features& f, const Labels& l, ModeKeys mode, const Params&) {
    keras::KerasTensor logits = keras::Dense(3)(f["Color"]);
    return EstimatorSpec{.mode = mode, .loss = losses::sparse_softmax_cross_entropy(l, logits)};
  };
  Estimator classifier(reads_color, custom_iris_options(dir()));
  try {
    classifier.evaluate(custom_eval_input_fn());
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("feature 'Color'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("PetalLength"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cairn::estimator
