#include "cairn/nn/rectifiers.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cairn/nn/dropout.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

// Values at least 0.1 from 0, ±0.5 and 1.5 (the kinks used below).
Matrix rectifier_input() {
  Matrix x = random_matrix(3, 8, 21, -3.0f, 3.0f);
  for (float& v : x.reshaped()) {
    for (float kink : {0.0f, 0.5f, -0.5f, 1.5f}) {
      if (std::abs(v - kink) < 0.1f) v = kink + 0.1f;
    }
  }
  return x;
}

TEST(RectifiersTest, ReluOptionsAsKerasBackendRelu) {
  Matrix x(1, 5);
  x << -2.0f, -0.25f, 0.25f, 1.0f, 8.0f;
  const Matrix plain = relu(x, {});
  EXPECT_EQ(plain, (Matrix(1, 5) << 0, 0, 0.25f, 1, 8).finished());
  const Matrix six = relu(x, {.max_value = 6.0f});
  EXPECT_EQ(six(0, 4), 6.0f);
  const Matrix leaky = relu(x, {.negative_slope = 0.1f});
  EXPECT_FLOAT_EQ(leaky(0, 0), -0.2f);
  // threshold 0.5: below it, 0 minus slope · (0.5 - x).
  const Matrix thresholded =
      relu(x, {.max_value = 4.0f, .negative_slope = 0.5f, .threshold = 0.5f});
  EXPECT_FLOAT_EQ(thresholded(0, 0), -1.25f);
  EXPECT_FLOAT_EQ(thresholded(0, 2), -0.125f);
  EXPECT_FLOAT_EQ(thresholded(0, 3), 1.0f);
  EXPECT_FLOAT_EQ(thresholded(0, 4), 4.0f);
}

TEST(RectifiersTest, GradientsMatchNumeric) {
  const Matrix x = rectifier_input(), w = random_matrix(3, 8, 22);
  for (const ReluOptions& o :
       {ReluOptions{}, ReluOptions{.max_value = 1.5f}, ReluOptions{.negative_slope = 0.3f},
        ReluOptions{.max_value = 1.5f, .negative_slope = 0.2f, .threshold = 0.5f},
        ReluOptions{.threshold = -0.5f}}) {
    expect_gradients_near(
        relu_backward(x, w, o),
        numeric_gradient([&](const Matrix& in) { return weighted_sum(relu(in, o), w); }, x),
        "relu");
  }
  expect_gradients_near(
      elu_backward(x, w, 0.7f),
      numeric_gradient([&](const Matrix& in) { return weighted_sum(elu(in, 0.7f), w); }, x), "elu");
}

TEST(RectifiersTest, PreluSlopesAndTheirGradients) {
  const Matrix x = rectifier_input(), w = random_matrix(3, 8, 23);
  // Columns are (4 positions, 2 channels) with the slopes shared over positions.
  const std::vector<int64_t> index = {0, 1, 0, 1, 0, 1, 0, 1};
  Matrix alpha = random_matrix(1, 2, 24);
  const Matrix y = prelu(x, alpha.data(), index);
  EXPECT_FLOAT_EQ(y(0, 3), x(0, 3) > 0 ? x(0, 3) : alpha(0, 1) * x(0, 3));
  const PreluGradients g = prelu_backward(x, w, alpha.data(), index, 2);
  expect_gradients_near(
      g.dx,
      numeric_gradient(
          [&](const Matrix& in) { return weighted_sum(prelu(in, alpha.data(), index), w); }, x),
      "dx");
  const Matrix dalpha = Eigen::Map<const Matrix>(g.dalpha.data(), 1, 2);
  expect_gradients_near(
      dalpha,
      numeric_gradient([&](const Matrix& a) { return weighted_sum(prelu(x, a.data(), index), w); },
                       alpha),
      "dalpha");
}

TEST(RectifiersTest, SoftmaxAlongAMiddleAxis) {
  // Rows are [2, 3, 2]: softmax over the middle axis of 3.
  const AxisSplit split{.outer = 2, .n = 3, .inner = 2};
  const Matrix x = random_matrix(2, 12, 25, -2.0f, 2.0f), w = random_matrix(2, 12, 26);
  const Matrix y = softmax_along(x, split);
  for (Eigen::Index r = 0; r < 2; ++r) {
    for (Eigen::Index o = 0; o < 2; ++o) {
      for (Eigen::Index i = 0; i < 2; ++i) {
        float sum = 0;
        for (Eigen::Index k = 0; k < 3; ++k) sum += y(r, o * 6 + k * 2 + i);
        EXPECT_NEAR(sum, 1.0f, 1e-6);
      }
    }
  }
  EXPECT_NEAR(y(0, 2) / y(0, 0), std::exp(x(0, 2) - x(0, 0)), 1e-5);
  expect_gradients_near(
      softmax_along_backward(y, w, split),
      numeric_gradient([&](const Matrix& in) { return weighted_sum(softmax_along(in, split), w); },
                       x),
      "softmax");
}

TEST(SpatialDropoutTest, DropsWholeChannelsAndScalesTheRest) {
  Dropout drop(0.5);
  std::mt19937_64 rng(3);
  const Matrix x = Matrix::Ones(400, 4 * 5);  // 4 positions × 5 channels
  const Matrix y = drop.forward_spatial(x, 5, /*training=*/true, rng);
  int dropped = 0;
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    for (Eigen::Index c = 0; c < 5; ++c) {
      const float v = y(r, c);
      EXPECT_TRUE(v == 0.0f || v == 2.0f);
      for (Eigen::Index p = 1; p < 4; ++p) EXPECT_EQ(y(r, p * 5 + c), v);
      dropped += v == 0.0f;
    }
  }
  EXPECT_NEAR(dropped / 2000.0, 0.5, 0.05);
  EXPECT_EQ(drop.backward(Matrix::Ones(400, 20)), y);
  EXPECT_EQ(drop.forward_spatial(x, 5, /*training=*/false, rng), x);
}

TEST(GaussianNoiseTest, AddsNoiseOfTheGivenDeviation) {
  std::mt19937_64 rng(4);
  const Matrix x = Matrix::Constant(100, 100, 3.0f);
  const Matrix noise = add_gaussian_noise(x, 0.5, rng) - x;
  const double mean = noise.cast<double>().mean();
  const double sd = std::sqrt((noise.cast<double>().array() - mean).square().mean());
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(sd, 0.5, 0.02);
}

}  // namespace
}  // namespace cairn::nn
