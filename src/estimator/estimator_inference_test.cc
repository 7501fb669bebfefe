// Estimator::inference_model: the network and head outputs the exporters
// receive reproduce predict() for every canned Estimator.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "estimator/estimator_test_util.h"
#include "testing/inference_reference.h"

namespace cairn::estimator {
namespace {

using cairn::testing::Rows;

Rows iris_test_rows() {
  const CsvInput& input = testing::iris_test();
  Rows rows(static_cast<size_t>(input.features.rows()));
  // The input layer's order: columns sorted by key.
  const std::vector<int> sorted = {2, 3, 0, 1};  // PetalLength, PetalWidth, SepalLength, SepalWidth
  for (size_t r = 0; r < rows.size(); ++r) {
    for (int c : sorted) rows[r].push_back(input.features(static_cast<Eigen::Index>(r), c));
  }
  return rows;
}

void expect_same_predictions(Estimator& estimator) {
  const InferenceModel m = estimator.inference_model();
  const auto reference = cairn::testing::reference_outputs(m, iris_test_rows());
  const std::vector<Prediction> predictions =
      estimator.predict(testing::eval_input_fn(estimator.spec()));
  ASSERT_EQ(predictions.size(), 30u);
  for (size_t r = 0; r < predictions.size(); ++r) {
    const Prediction& p = predictions[r];
    if (estimator.spec().type == EstimatorType::kDNNRegressor) {
      EXPECT_NEAR(reference.at("predictions")[r][0], p.predictions[0], 1e-5);
      continue;
    }
    EXPECT_EQ(reference.at("class_ids")[r][0], static_cast<double>(p.class_id));
    for (size_t k = 0; k < p.probabilities.size(); ++k) {
      EXPECT_NEAR(reference.at("probabilities")[r][k], p.probabilities[k], 1e-5);
    }
    for (size_t k = 0; k < p.logits.size(); ++k) {
      EXPECT_NEAR(reference.at("logits")[r][k], p.logits[k], 1e-5);
    }
  }
}

TEST(EstimatorInferenceModelTest, DnnClassifierFeaturesLayersAndHead) {
  cairn::testing::TempDir dir;
  DNNClassifier classifier(testing::iris_options(dir.path()));
  EXPECT_THROW(classifier.inference_model(), NotFoundError);  // nothing trained yet
  classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 50});
  const InferenceModel m = classifier.inference_model();
  EXPECT_EQ(m.feature_names,
            (std::vector<std::string>{"PetalLength", "PetalWidth", "SepalLength", "SepalWidth"}));
  EXPECT_EQ(m.feature_widths, (std::vector<int64_t>{1, 1, 1, 1}));
  ASSERT_EQ(m.steps.size(), 3u);
  EXPECT_EQ(m.steps[0].name, "hiddenlayer_0");
  EXPECT_EQ(m.steps[2].name, "logits");
  EXPECT_EQ(m.steps[2].activation, "linear");
  ASSERT_EQ(m.outputs.size(), 3u);
  EXPECT_EQ(m.outputs[1].name, "probabilities");
  EXPECT_FALSE(m.binary_head);
  expect_same_predictions(classifier);
}

TEST(EstimatorInferenceModelTest, BinaryClassifierRegressorAndLinear) {
  cairn::testing::TempDir dir;
  DNNClassifierOptions binary = testing::iris_options(dir.path() + "/binary", {6});
  binary.n_classes = 2;
  // Iris has three classes: train on its rows with class 2 folded into 1.
  DNNClassifier classifier(binary);
  const CsvInput& train = testing::iris_train();
  CsvInput folded = train;
  for (Eigen::Index r = 0; r < folded.labels.rows(); ++r) {
    folded.labels(r, 0) = folded.labels(r, 0) > 0 ? 1.0f : 0.0f;
  }
  const ModelSpec spec = classifier.spec();
  classifier.train([folded, spec] { return make_dataset(folded, spec).repeat().batch(40); },
                   {.steps = 30});
  EXPECT_TRUE(classifier.inference_model().binary_head);
  expect_same_predictions(classifier);

  DNNRegressor regressor({.feature_columns = testing::iris_columns(),
                          .hidden_units = {5},
                          .model_dir = dir.path() + "/regressor",
                          .config = binary.config});
  regressor.train(testing::train_input_fn(regressor.spec()), {.steps = 20});
  EXPECT_EQ(regressor.inference_model().outputs.at(0).name, "predictions");
  expect_same_predictions(regressor);

  LinearClassifier linear({.feature_columns = testing::iris_columns(),
                           .n_classes = 3,
                           .model_dir = dir.path() + "/linear",
                           .config = binary.config});
  linear.train(testing::train_input_fn(linear.spec()), {.steps = 20});
  EXPECT_EQ(linear.inference_model().steps.size(), 1u);
  expect_same_predictions(linear);
}

}  // namespace
}  // namespace cairn::estimator
