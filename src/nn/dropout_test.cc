#include "cairn/nn/dropout.h"

#include <gtest/gtest.h>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

TEST(DropoutTest, InferenceAndRateZeroAreIdentity) {
  Matrix x = random_matrix(3, 4, 1);
  std::mt19937_64 rng(2);
  Dropout drop(0.5);
  EXPECT_EQ(drop.forward(x, /*training=*/false, rng), x);
  EXPECT_EQ(drop.backward(x), x);
  Dropout none(0.0);
  EXPECT_EQ(none.forward(x, /*training=*/true, rng), x);
  EXPECT_EQ(none.backward(x), x);
}

TEST(DropoutTest, ZeroesAboutRateAndScalesTheRest) {
  Matrix x = Matrix::Ones(100, 100);
  std::mt19937_64 rng(3);
  Dropout drop(0.2);
  Matrix y = drop.forward(x, /*training=*/true, rng);
  const auto zeros = (y.array() == 0.0f).count();
  EXPECT_NEAR(static_cast<double>(zeros) / 10000.0, 0.2, 0.02);
  EXPECT_TRUE(((y.array() == 0.0f) || (y.array() == 1.25f)).all());
  EXPECT_NEAR(y.mean(), 1.0f, 0.03f);  // expectation preserved
}

TEST(DropoutTest, SameSeedSameMask) {
  Matrix x = random_matrix(8, 8, 4);
  std::mt19937_64 a(5), b(5);
  Dropout drop(0.3);
  EXPECT_EQ(drop.forward(x, true, a), drop.forward(x, true, b));
}

TEST(DropoutTest, MasksAreExactlyThoseOfStdBernoulliDistribution) {
  // Dropout compares each draw with an integer threshold instead of calling
  // std::bernoulli_distribution: the same draws must give the same masks.
  for (double rate : {0.2, 0.5, 0.3, 0.9, 0.999999, 1e-9, 1e-300}) {
    SCOPED_TRACE(rate);
    const Matrix x = Matrix::Ones(64, 50);
    std::mt19937_64 rng(11), reference(11);
    Dropout drop(rate);
    const Matrix y = drop.forward(x, /*training=*/true, rng);
    std::bernoulli_distribution keep(1.0 - rate);
    const auto scale = static_cast<float>(1.0 / (1.0 - rate));
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      ASSERT_EQ(y.data()[i], keep(reference) ? scale : 0.0f) << "element " << i;
    }
    EXPECT_TRUE(rng == reference);  // one draw per element, as before
  }
}

TEST(DropoutTest, GradientMatchesNumericWithAFixedMask) {
  const Matrix x = random_matrix(4, 6, 6);
  const Matrix dy = random_matrix(4, 6, 7);
  Dropout drop(0.4);
  auto forward_with_fixed_mask = [&](const Matrix& in) {
    std::mt19937_64 rng(8);  // reseeded: the same mask every call
    return drop.forward(in, /*training=*/true, rng);
  };
  forward_with_fixed_mask(x);
  const Matrix dx = drop.backward(dy);
  auto loss = [&](const Matrix& in) { return weighted_sum(forward_with_fixed_mask(in), dy); };
  expect_gradients_near(dx, numeric_gradient(loss, x));
  EXPECT_GT((dx.array() == 0.0f).count(), 0);
}

}  // namespace
}  // namespace cairn::nn
