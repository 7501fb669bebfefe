#include "cairn/nn/border2d.h"

#include <gtest/gtest.h>

#include "cairn/nn/upsampling2d.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

TEST(Border2DTest, PadPutsZerosAroundAndCropTakesThemAway) {
  const Border2D b{.height = 1, .width = 2, .channels = 1, .top = 1, .left = 1, .right = 0};
  Matrix x(1, 2);
  x << 5, 6;
  Matrix padded, back;
  pad2d(b, x, padded);
  Matrix expected(1, 6);
  expected << 0, 0, 0, 0, 5, 6;  // a 2x3 image: a zero row, then (0, 5, 6)
  EXPECT_EQ(padded, expected);
  crop2d(b, padded, back);
  EXPECT_EQ(back, x);
}

TEST(Border2DTest, EachIsTheOthersGradient) {
  const Border2D b{
      .height = 3, .width = 2, .channels = 2, .top = 1, .bottom = 2, .left = 0, .right = 1};
  const Matrix x = random_matrix(2, b.inner_size(), 1);
  const Matrix r = random_matrix(2, b.outer_size(), 2);
  Matrix y, dx;
  crop2d(b, r, dx);  // the gradient of pad2d
  expect_gradients_near(dx, numeric_gradient(
                                [&](const Matrix& in) {
                                  pad2d(b, in, y);
                                  return weighted_sum(y, r);
                                },
                                x));
  const Matrix outer = random_matrix(2, b.outer_size(), 3);
  const Matrix r_inner = random_matrix(2, b.inner_size(), 4);
  pad2d(b, r_inner, dx);  // the gradient of crop2d
  expect_gradients_near(dx, numeric_gradient(
                                [&](const Matrix& in) {
                                  crop2d(b, in, y);
                                  return weighted_sum(y, r_inner);
                                },
                                outer));
}

TEST(Upsampling2DTest, NearestRepeatsPixelsInBlocks) {
  const Upsampling2D u{.height = 1, .width = 2, .channels = 1, .size_h = 2, .size_w = 3};
  Matrix x(1, 2), y;
  x << 1, 2;
  upsample_nearest(u, x, y);
  Matrix expected(1, 12);
  expected << 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2;
  EXPECT_EQ(y, expected);
}

TEST(Upsampling2DTest, BackwardEqualsNumericGradient) {
  const Upsampling2D u{.height = 3, .width = 2, .channels = 2, .size_h = 2, .size_w = 3};
  const Matrix x = random_matrix(2, u.input_size(), 1);
  const Matrix r = random_matrix(2, u.output_size(), 2);
  Matrix y, dx;
  upsample_nearest_backward(u, r, dx);
  expect_gradients_near(dx, numeric_gradient(
                                [&](const Matrix& in) {
                                  upsample_nearest(u, in, y);
                                  return weighted_sum(y, r);
                                },
                                x));
}

}  // namespace
}  // namespace cairn::nn
