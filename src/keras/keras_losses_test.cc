// Numeric gradient checks of every Keras loss, on probabilities and fused
// with the activation, plus the values Keras gives for known inputs.
#include "keras/losses.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/nn/losses.h"
#include "nn/gradient_check.h"

namespace cairn::keras::internal {
namespace {

using nn::Matrix;
using nn::testing::expect_gradients_near;
using nn::testing::numeric_gradient;
using nn::testing::random_matrix;

double mean_loss(LossKind kind, const Matrix& out, const Matrix& t) {
  return compute_loss(kind, out, nullptr, nn::Activation::kLinear, t)
      .per_example.cast<double>()
      .mean();
}

double mean_fused_loss(LossKind kind, nn::Activation a, const Matrix& z, const Matrix& t) {
  Matrix out = nn::activate(a, z);
  return compute_loss(kind, out, &z, a, t).per_example.cast<double>().mean();
}

// Rows of probabilities away from the clipping bounds.
Matrix probabilities(Eigen::Index rows, Eigen::Index cols, uint64_t seed) {
  Matrix p = random_matrix(rows, cols, seed, 0.2f, 1.0f);
  for (Eigen::Index i = 0; i < rows; ++i) p.row(i) /= p.row(i).sum();
  return p;
}

Matrix class_ids(std::initializer_list<float> ids) {
  Matrix t(static_cast<Eigen::Index>(ids.size()), 1);
  Eigen::Index i = 0;
  for (float id : ids) t(i++, 0) = id;
  return t;
}

Matrix one_hot(const Matrix& ids, Eigen::Index depth) {
  Matrix hot = Matrix::Zero(ids.rows(), depth);
  for (Eigen::Index i = 0; i < ids.rows(); ++i) hot(i, static_cast<Eigen::Index>(ids(i, 0))) = 1;
  return hot;
}

TEST(KerasLossesTest, GradientsOnOutputs) {
  const Matrix ids = class_ids({0, 2, 1, 2});
  const Matrix p = probabilities(4, 3, 1);
  for (LossKind kind :
       {LossKind::kSparseCategoricalCrossentropy, LossKind::kCategoricalCrossentropy}) {
    const Matrix t = kind == LossKind::kSparseCategoricalCrossentropy ? ids : one_hot(ids, 3);
    auto f = [&](const Matrix& out) { return mean_loss(kind, out, t); };
    expect_gradients_near(compute_loss(kind, p, nullptr, nn::Activation::kLinear, t).gradient,
                          numeric_gradient(f, p, 1e-3f));
  }
  const Matrix b = random_matrix(4, 2, 2, 0.1f, 0.9f);
  const Matrix bt = random_matrix(4, 2, 3, 0.0f, 1.0f).array().round().matrix();
  const Matrix y = random_matrix(4, 3, 4), yt = random_matrix(4, 3, 5);
  for (auto [kind, out, t] : {std::tuple{LossKind::kBinaryCrossentropy, b, bt},
                              std::tuple{LossKind::kMeanSquaredError, y, yt},
                              std::tuple{LossKind::kMeanAbsoluteError, y, yt}}) {
    auto f = [&](const Matrix& o) { return mean_loss(kind, o, t); };
    expect_gradients_near(compute_loss(kind, out, nullptr, nn::Activation::kLinear, t).gradient,
                          numeric_gradient(f, out, 1e-3f), loss_name(kind).c_str());
  }
}

TEST(KerasLossesTest, FusedGradientsOnLogits) {
  const Matrix ids = class_ids({1, 0, 2});
  const Matrix z = random_matrix(3, 3, 6, -3.0f, 3.0f);
  for (LossKind kind :
       {LossKind::kSparseCategoricalCrossentropy, LossKind::kCategoricalCrossentropy}) {
    const Matrix t = kind == LossKind::kSparseCategoricalCrossentropy ? ids : one_hot(ids, 3);
    LossOutput r = compute_loss(kind, nn::softmax(z), &z, nn::Activation::kSoftmax, t);
    ASSERT_TRUE(r.fused);
    auto f = [&](const Matrix& logits) {
      return mean_fused_loss(kind, nn::Activation::kSoftmax, logits, t);
    };
    expect_gradients_near(r.gradient, numeric_gradient(f, z));
  }
  const Matrix bt = random_matrix(3, 3, 7, 0.0f, 1.0f).array().round().matrix();
  LossOutput r =
      compute_loss(LossKind::kBinaryCrossentropy, nn::activate(nn::Activation::kSigmoid, z), &z,
                   nn::Activation::kSigmoid, bt);
  ASSERT_TRUE(r.fused);
  auto f = [&](const Matrix& logits) {
    return mean_fused_loss(LossKind::kBinaryCrossentropy, nn::Activation::kSigmoid, logits, bt);
  };
  expect_gradients_near(r.gradient, numeric_gradient(f, z));
}

TEST(KerasLossesTest, FusedEqualsUnfusedAwayFromClipping) {
  const Matrix z = random_matrix(5, 4, 8);
  const Matrix ids = class_ids({0, 1, 2, 3, 0});
  const Matrix p = nn::softmax(z);
  const double fused =
      compute_loss(LossKind::kSparseCategoricalCrossentropy, p, &z, nn::Activation::kSoftmax, ids)
          .per_example.mean();
  EXPECT_NEAR(fused, mean_loss(LossKind::kSparseCategoricalCrossentropy, p, ids), 1e-6);
}

TEST(KerasLossesTest, ClippedProbabilitiesGiveKerasBound) {
  // Keras: -log(1e-7) = 16.118 for a zero probability of the true class.
  Matrix p(1, 2);
  p << 1.0f, 0.0f;
  EXPECT_NEAR(mean_loss(LossKind::kSparseCategoricalCrossentropy, p, class_ids({1})), 16.1181,
              1e-3);
}

TEST(KerasLossesTest, AccuracyResolvesLikeKeras) {
  EXPECT_EQ(resolve_metric("accuracy", LossKind::kSparseCategoricalCrossentropy, 10).kind,
            MetricKind::kSparseCategoricalAccuracy);
  EXPECT_EQ(resolve_metric("acc", LossKind::kCategoricalCrossentropy, 10).kind,
            MetricKind::kCategoricalAccuracy);
  EXPECT_EQ(resolve_metric("accuracy", LossKind::kBinaryCrossentropy, 1).kind,
            MetricKind::kBinaryAccuracy);
  EXPECT_EQ(resolve_metric("accuracy", LossKind::kMeanSquaredError, 1).kind,
            MetricKind::kBinaryAccuracy);
  EXPECT_EQ(resolve_metric("acc", LossKind::kMeanSquaredError, 1).name, "acc");
  EXPECT_THROW(resolve_metric("auc", LossKind::kMeanSquaredError, 1), InvalidArgumentError);
}

TEST(KerasLossesTest, MetricValues) {
  Matrix out(3, 3), ids = class_ids({0, 1, 1});
  out << 0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f, 0.5f, 0.3f, 0.2f;
  EXPECT_FLOAT_EQ(metric_values(MetricKind::kSparseCategoricalAccuracy, out, ids).mean(), 2.0f / 3);
  EXPECT_FLOAT_EQ(metric_values(MetricKind::kCategoricalAccuracy, out, one_hot(ids, 3)).mean(),
                  2.0f / 3);
  Matrix b(2, 1), bt(2, 1);
  b << 0.6f, 0.4f;
  bt << 1.0f, 1.0f;
  EXPECT_FLOAT_EQ(metric_values(MetricKind::kBinaryAccuracy, b, bt).mean(), 0.5f);
}

TEST(KerasLossesTest, LossNames) {
  EXPECT_EQ(loss_from_name("mse"), LossKind::kMeanSquaredError);
  EXPECT_EQ(loss_from_name("MeanAbsoluteError"), LossKind::kMeanAbsoluteError);
  EXPECT_FALSE(loss_from_name("hinge"));
  EXPECT_THROW(check_targets(LossKind::kSparseCategoricalCrossentropy, class_ids({0.5f}), 3),
               InvalidArgumentError);
  EXPECT_THROW(check_targets(LossKind::kCategoricalCrossentropy, class_ids({0}), 3),
               InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras::internal
