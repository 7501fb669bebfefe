// The eval metric ops a model_fn may return, on batches whose values are
// known by hand, and the row ops its predictions use.
#include "estimator/custom_head.h"
#include "estimator/head_ops.h"

#include <gtest/gtest.h>

namespace cairn::estimator::internal {
namespace {

nn::Matrix column(std::vector<float> values) {
  nn::Matrix m(static_cast<Eigen::Index>(values.size()), 1);
  for (size_t i = 0; i < values.size(); ++i) m(static_cast<Eigen::Index>(i), 0) = values[i];
  return m;
}

double metric(MetricOp::Kind kind, const std::vector<std::pair<nn::Matrix, nn::Matrix>>& batches) {
  MetricAccumulator acc(kind);
  for (const auto& [labels, values] : batches) acc.add(labels, values);
  return acc.result();
}

TEST(CustomHeadMetricsTest, AccuracyPrecisionRecallCountOverEveryBatch) {
  // labels 1 1 0 0 | 1 0; predicted 1 0 1 0 | 1 1: tp 2, fp 2, fn 1, correct 3 of 6.
  const std::vector<std::pair<nn::Matrix, nn::Matrix>> batches = {
      {column({1, 1, 0, 0}), column({1, 0, 1, 0})}, {column({1, 0}), column({1, 1})}};
  EXPECT_DOUBLE_EQ(metric(MetricOp::Kind::kAccuracy, batches), 3.0 / 6);
  EXPECT_DOUBLE_EQ(metric(MetricOp::Kind::kPrecision, batches), 2.0 / 4);
  EXPECT_DOUBLE_EQ(metric(MetricOp::Kind::kRecall, batches), 2.0 / 3);
}

TEST(CustomHeadMetricsTest, MeanAndRootMeanSquaredErrorWeighEveryValue) {
  const std::vector<std::pair<nn::Matrix, nn::Matrix>> batches = {{column({1, 2}), column({2, 4})},
                                                                  {column({0}), column({3})}};
  EXPECT_DOUBLE_EQ(metric(MetricOp::Kind::kMean, batches), 3.0);
  EXPECT_NEAR(metric(MetricOp::Kind::kRootMeanSquaredError, batches), std::sqrt((1 + 4 + 9) / 3.0),
              1e-12);
}

TEST(CustomHeadMetricsTest, AucIsTheAreaUnderTheRocCurve) {
  // Scores 0.1 0.4 (negatives), 0.35 0.8 (positives): 3 of 4 pairs ordered, AUC 0.75.
  EXPECT_NEAR(
      metric(MetricOp::Kind::kAuc, {{column({0, 0, 1, 1}), column({0.1f, 0.4f, 0.35f, 0.8f})}}),
      0.75, 1e-5);
  EXPECT_NEAR(metric(MetricOp::Kind::kAuc, {{column({0, 1}), column({0.2f, 0.9f})}}), 1.0, 1e-5);
  EXPECT_NEAR(metric(MetricOp::Kind::kAuc, {{column({1, 0}), column({0.2f, 0.9f})}}), 0.0, 1e-5);
  // A tie is half right: the trapezoid, not a rectangle, under the jump.
  EXPECT_NEAR(metric(MetricOp::Kind::kAuc, {{column({0, 1}), column({0.5f, 0.5f})}}), 0.5, 1e-5);
  // Two columns (softmax of a binary head): the positive class's is read.
  nn::Matrix probabilities(2, 2);
  probabilities << 0.8f, 0.2f, 0.1f, 0.9f;
  EXPECT_NEAR(metric(MetricOp::Kind::kAuc, {{column({0, 1}), probabilities}}), 1.0, 1e-5);
}

TEST(CustomHeadOpsTest, ArgmaxSoftmaxSigmoidRowByRow) {
  nn::Matrix logits(2, 3);
  logits << 1, 3, 2, 0, -1, -2;
  EXPECT_EQ(apply_op(Output::Op::kArgMax, logits), column({1, 0}));
  nn::Matrix p = apply_op(Output::Op::kSoftmax, logits);
  EXPECT_NEAR(p.row(0).sum(), 1.0f, 1e-6f);
  EXPECT_GT(p(0, 1), p(0, 2));
  // One logit: argmax is logit > 0, softmax [1 - sigmoid, sigmoid].
  EXPECT_EQ(apply_op(Output::Op::kArgMax, column({-0.5f, 2})), column({0, 1}));
  nn::Matrix binary = apply_op(Output::Op::kSoftmax, column({0}));
  EXPECT_FLOAT_EQ(binary(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(apply_op(Output::Op::kSigmoid, column({0}))(0, 0), 0.5f);
}

TEST(CustomHeadLossTest, LabelsThatAreNotClassIdsAreNamedByRow) {
  nn::Matrix logits = nn::Matrix::Zero(2, 3);
  try {
    head_loss({Loss::Kind::kSparseSoftmaxCrossEntropy, 0, ""}, logits, column({1, 3}));
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
}

TEST(CustomHeadTest, JsonRoundTripAndRefusesAMissingOutput) {
  CustomHead head;
  head.predictions = {{"class_ids", {0, Output::Op::kArgMax}}};
  head.loss = HeadLoss{Loss::Kind::kKeras, 0, "mse"};
  head.optimizer = OptimizerSettings{"Adam", 0.01};
  head.metrics = {{"auc", MetricOp::Kind::kAuc, {1, Output::Op::kSoftmax}}};
  CustomHead back = CustomHead::from_json(head.to_json(), 2, "test");
  EXPECT_EQ(back.to_json(), head.to_json());
  EXPECT_THROW(CustomHead::from_json(head.to_json(), 1, "test"), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::estimator::internal
