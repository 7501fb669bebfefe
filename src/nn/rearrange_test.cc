#include "cairn/nn/rearrange.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

TEST(RearrangeTest, PermutationTransposesEachSample) {
  AxisPermutation p({2, 3}, {1, 0});
  EXPECT_EQ(p.output_shape(), (std::vector<int64_t>{3, 2}));
  const Matrix x = (Matrix(2, 6) << 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).finished();
  EXPECT_EQ(p.forward(x), (Matrix(2, 6) << 0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11).finished());
  EXPECT_EQ(p.backward(p.forward(x)), x);
}

TEST(RearrangeTest, ThreeAxisPermutationMatchesIndexFormula) {
  // (2, 3, 4) -> order (2, 0, 1): y[k][i][j] = x[i][j][k].
  AxisPermutation p({2, 3, 4}, {2, 0, 1});
  Matrix x(1, 24);
  for (int i = 0; i < 24; ++i) x(0, i) = static_cast<float>(i);
  const Matrix y = p.forward(x);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) EXPECT_EQ(y(0, k * 6 + i * 3 + j), x(0, i * 12 + j * 4 + k));
    }
  }
  const Matrix w = random_matrix(1, 24, 1);
  auto loss = [&](const Matrix& in) { return weighted_sum(p.forward(in), w); };
  expect_gradients_near(p.backward(w), numeric_gradient(loss, x));
}

TEST(RearrangeTest, BadPermutationIsInvalidArgument) {
  EXPECT_THROW(AxisPermutation({2, 3}, {0, 0}), InvalidArgumentError);
  EXPECT_THROW(AxisPermutation({2, 3}, {0, 1, 2}), InvalidArgumentError);
  EXPECT_THROW(AxisPermutation({2, 3}, {1, 2}), InvalidArgumentError);
}

TEST(RearrangeTest, RepeatAndItsAdjoint) {
  const Matrix x = (Matrix(1, 2) << 1, 2).finished();
  EXPECT_EQ(repeat_row_blocks(x, 3), (Matrix(1, 6) << 1, 2, 1, 2, 1, 2).finished());
  const Matrix w = random_matrix(2, 6, 2), in = random_matrix(2, 2, 3);
  auto loss = [&](const Matrix& probe) { return weighted_sum(repeat_row_blocks(probe, 3), w); };
  expect_gradients_near(sum_row_blocks(w, 3), numeric_gradient(loss, in));
}

}  // namespace
}  // namespace cairn::nn
