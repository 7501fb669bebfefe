#include "cairn/nn/normalization.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

constexpr Eigen::Index kNormChannels = 3;

RowVector as_row(const Matrix& m) { return m.row(0); }

// [4 samples, 2 positions × 3 channels].
Matrix norm_input() { return random_matrix(4, 2 * kNormChannels, 1, -2.0f, 3.0f); }

TEST(BatchNormTest, TrainingNormalizesEachChannelOverRowsAndPositions) {
  const Matrix x = norm_input();
  BatchNorm bn(kNormChannels, 1e-3f);
  BatchMoments moments;
  const Matrix y = bn.forward_training(x, RowVector::Ones(kNormChannels),
                                       RowVector::Zero(kNormChannels), moments);
  for (Eigen::Index c = 0; c < kNormChannels; ++c) {
    double sum = 0, sq = 0, xs = 0, xsq = 0;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      for (Eigen::Index p = 0; p < 2; ++p) {
        const double v = y(r, p * kNormChannels + c), u = x(r, p * kNormChannels + c);
        sum += v, sq += v * v, xs += u, xsq += u * u;
      }
    }
    const double mean = xs / 8, variance = xsq / 8 - mean * mean;  // biased, as Keras
    EXPECT_NEAR(moments.mean(c), mean, 1e-5);
    EXPECT_NEAR(moments.variance(c), variance, 1e-5);
    EXPECT_NEAR(sum / 8, 0.0, 1e-5);
    EXPECT_NEAR(sq / 8, variance / (variance + 1e-3), 1e-4);
  }
}

TEST(BatchNormTest, InferenceUsesTheGivenMoments) {
  Matrix x(1, 3);
  x << 1.0f, 2.0f, 3.0f;
  RowVector mean(3), variance(3), gamma(3), beta(3);
  mean << 1.0f, 0.0f, -1.0f;
  variance << 4.0f, 1.0f, 0.25f;
  gamma << 2.0f, 1.0f, 1.0f;
  beta << 0.5f, 0.0f, -1.0f;
  BatchNorm bn(3, 0.0f);
  const Matrix y = bn.forward_inference(x, gamma, beta, mean, variance);
  EXPECT_FLOAT_EQ(y(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(y(0, 1), 2.0f);
  EXPECT_FLOAT_EQ(y(0, 2), 7.0f);
}

void check_batch_norm_gradients(bool training) {
  SCOPED_TRACE(training ? "training" : "inference");
  const Matrix x = norm_input(), w = random_matrix(4, 2 * kNormChannels, 2);
  const Matrix gamma = random_matrix(1, kNormChannels, 3, 0.5f, 1.5f);
  const Matrix beta = random_matrix(1, kNormChannels, 4);
  const RowVector mean = as_row(random_matrix(1, kNormChannels, 5)),
                  variance = as_row(random_matrix(1, kNormChannels, 6, 0.5f, 2.0f));
  const auto run = [&](const Matrix& in, const Matrix& g, const Matrix& b) {
    BatchNorm bn(kNormChannels, 1e-3f);
    BatchMoments moments;
    return training ? bn.forward_training(in, as_row(g), as_row(b), moments)
                    : bn.forward_inference(in, as_row(g), as_row(b), mean, variance);
  };
  BatchNorm bn(kNormChannels, 1e-3f);
  BatchMoments moments;
  if (training) {
    bn.forward_training(x, as_row(gamma), as_row(beta), moments);
  } else {
    bn.forward_inference(x, as_row(gamma), as_row(beta), mean, variance);
  }
  const NormGradients g = bn.backward(w, as_row(gamma));
  expect_gradients_near(
      g.dx,
      numeric_gradient([&](const Matrix& in) { return weighted_sum(run(in, gamma, beta), w); }, x),
      "dx");
  expect_gradients_near(
      g.dgamma,
      numeric_gradient([&](const Matrix& in) { return weighted_sum(run(x, in, beta), w); }, gamma),
      "dgamma");
  expect_gradients_near(
      g.dbeta,
      numeric_gradient([&](const Matrix& in) { return weighted_sum(run(x, gamma, in), w); }, beta),
      "dbeta");
}

TEST(BatchNormTest, GradientsMatchNumeric) {
  check_batch_norm_gradients(/*training=*/true);
  check_batch_norm_gradients(/*training=*/false);
}

TEST(LayerNormTest, NormalizesEachPositionOverItsChannels) {
  Matrix x(1, 6);
  x << 1.0f, 2.0f, 3.0f, -4.0f, 0.0f, 4.0f;
  LayerNorm ln(3, 0.0f);
  const Matrix y = ln.forward(x, RowVector::Ones(3), RowVector::Zero(3));
  const float a = std::sqrt(1.5f);  // (1, 2, 3): mean 2, variance 2/3
  EXPECT_NEAR(y(0, 0), -a, 1e-5);
  EXPECT_NEAR(y(0, 1), 0.0f, 1e-6);
  EXPECT_NEAR(y(0, 5), a, 1e-5);  // (-4, 0, 4): mean 0, variance 32/3
}

TEST(LayerNormTest, GradientsMatchNumeric) {
  const Matrix x = norm_input(), w = random_matrix(4, 2 * kNormChannels, 2);
  const Matrix gamma = random_matrix(1, kNormChannels, 3, 0.5f, 1.5f);
  const Matrix beta = random_matrix(1, kNormChannels, 4);
  const auto run = [&](const Matrix& in, const Matrix& g, const Matrix& b) {
    return LayerNorm(kNormChannels, 1e-3f).forward(in, as_row(g), as_row(b));
  };
  LayerNorm ln(kNormChannels, 1e-3f);
  ln.forward(x, as_row(gamma), as_row(beta));
  const NormGradients g = ln.backward(w, as_row(gamma));
  expect_gradients_near(
      g.dx,
      numeric_gradient([&](const Matrix& in) { return weighted_sum(run(in, gamma, beta), w); }, x),
      "dx");
  expect_gradients_near(
      g.dgamma,
      numeric_gradient([&](const Matrix& in) { return weighted_sum(run(x, in, beta), w); }, gamma),
      "dgamma");
  expect_gradients_near(
      g.dbeta,
      numeric_gradient([&](const Matrix& in) { return weighted_sum(run(x, gamma, in), w); }, beta),
      "dbeta");
}

}  // namespace
}  // namespace cairn::nn
