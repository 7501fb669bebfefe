#include "cairn/plot/smoothing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace cairn {
namespace {

TEST(SmoothLikeTensorBoard, IsTheDebiasedMovingAverageComputedByHand) {
  // w = 0.6: last = 0.4, 1.04, 1.824; debias = 0.4, 0.64, 0.784.
  const std::vector<double> s = smooth_like_tensorboard(std::vector<double>{1, 2, 3}, 0.6);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_DOUBLE_EQ(s[1], 1.625);
  EXPECT_NEAR(s[2], 1.824 / 0.784, 1e-12);
}

TEST(SmoothLikeTensorBoard, NonFiniteValuesPassThroughAndDoNotCount) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // w = 0.5 over the finite 1, 3: last = 0.5, 1.75; debias = 0.5, 0.75.
  const std::vector<double> s = smooth_like_tensorboard(std::vector<double>{1, nan, inf, 3}, 0.5);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_TRUE(std::isnan(s[1]));
  EXPECT_EQ(s[2], inf);
  EXPECT_DOUBLE_EQ(s[3], 1.75 / 0.75);
}

TEST(SmoothLikeTensorBoard, WeightZeroOrOutOfRangeOrNanLeavesTheValues) {
  const std::vector<double> raw = {3, -1, 4, 1, -5};
  EXPECT_EQ(smooth_like_tensorboard(raw, 0), raw);
  EXPECT_EQ(smooth_like_tensorboard(raw, -2), raw);  // clamped to 0
  EXPECT_EQ(smooth_like_tensorboard(raw, std::numeric_limits<double>::quiet_NaN()), raw);
}

TEST(SmoothLikeTensorBoard, WeightAboveOneIsClampedToOneWhichHoldsTheStartAtZero) {
  // w = 1: last stays 0 and TensorBoard does not divide (debias 1).
  EXPECT_EQ(smooth_like_tensorboard(std::vector<double>{1, 2}, 7), (std::vector<double>{0, 0}));
}

TEST(SmoothLikeTensorBoard, AConstantSeriesIsReturnedAsItIs) {
  EXPECT_EQ(smooth_like_tensorboard(std::vector<double>{2, 2, 2}, 1),
            (std::vector<double>{2, 2, 2}));
  EXPECT_TRUE(smooth_like_tensorboard(std::vector<double>{}, 0.6).empty());
}

TEST(SmoothLikeTensorBoard, LateValuesWeighMoreThanEarlyOnes) {
  const std::vector<double> s = smooth_like_tensorboard(std::vector<double>{0, 0, 0, 10}, 0.9);
  EXPECT_GT(s[3], 0);
  EXPECT_LT(s[3], 10);
  EXPECT_EQ(s[2], 0);
}

}  // namespace
}  // namespace cairn
