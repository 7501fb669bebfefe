// The merge math against central differences, and concatenation's layout.
#include "cairn/nn/merge.h"

#include <gtest/gtest.h>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

using Forward = std::function<void(const std::vector<const Matrix*>&, Matrix&)>;
using Backward =
    std::function<void(const std::vector<const Matrix*>&, const Matrix&, std::vector<Matrix>&)>;

// Checks each input's gradient of sum(merge(xs) * w).
void check_gradients(const Forward& forward, const Backward& backward, std::vector<Matrix> xs) {
  std::vector<const Matrix*> ptrs;
  for (const Matrix& x : xs) ptrs.push_back(&x);
  Matrix out;
  forward(ptrs, out);
  const Matrix w = random_matrix(out.rows(), out.cols(), 99);
  std::vector<Matrix> grads(xs.size());
  backward(ptrs, w, grads);
  for (size_t i = 0; i < xs.size(); ++i) {
    auto f = [&](const Matrix& probe) {
      std::vector<const Matrix*> p = ptrs;
      p[i] = &probe;
      Matrix y;
      forward(p, y);
      return weighted_sum(y, w);
    };
    expect_gradients_near(grads[i], numeric_gradient(f, xs[i]), "input");
  }
}

TEST(MergeMath, ProductGradients) {
  check_gradients(merge_product, merge_product_backward,
                  {random_matrix(3, 4, 1), random_matrix(3, 4, 2), random_matrix(3, 4, 3)});
}

TEST(MergeMath, MaximumGradients) {
  check_gradients(merge_maximum, merge_maximum_backward,
                  {random_matrix(3, 4, 1), random_matrix(3, 4, 2), random_matrix(3, 4, 3)});
}

TEST(MergeMath, MaximumTiesGoToTheFirstInput) {
  const Matrix a = Matrix::Constant(1, 2, 0.5f), b = Matrix::Constant(1, 2, 0.5f);
  std::vector<Matrix> grads(2);
  merge_maximum_backward({&a, &b}, Matrix::Ones(1, 2), grads);
  EXPECT_EQ(grads[0], Matrix::Ones(1, 2));
  EXPECT_EQ(grads[1], Matrix::Zero(1, 2));
}

TEST(MergeMath, SumScales) {
  const Matrix a = random_matrix(2, 3, 1), b = random_matrix(2, 3, 2);
  Matrix out;
  merge_sum({&a, &b}, 0.5f, out);
  EXPECT_TRUE(out.isApprox((a + b) / 2));
}

TEST(MergeMath, ConcatenatesBlocksWithinRowsAndSplitsThem) {
  // Samples (2, 2) and (2, 1) joined on their last axis -> (2, 3).
  Matrix a(1, 4), b(1, 2);
  a << 1, 2, 3, 4;
  b << 5, 6;
  Matrix out;
  concatenate_blocks({&a, &b}, /*outer=*/2, {2, 1}, out);
  Matrix expected(1, 6);
  expected << 1, 2, 5, 3, 4, 6;
  EXPECT_EQ(out, expected);
  std::vector<Matrix> parts;
  split_blocks(out, 2, {2, 1}, parts);
  EXPECT_EQ(parts[0], a);
  EXPECT_EQ(parts[1], b);
}

}  // namespace
}  // namespace cairn::nn
