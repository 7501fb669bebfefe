// gemm (OpenBLAS) against Eigen's own product, the path the layers took
// before: every transpose combination, blocks of larger matrices, alpha and
// beta, empty shapes, and the thread count.
#include "cairn/nn/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::random_matrix;

// op(m) as a plain matrix.
Matrix apply(const Matrix& m, Op op) { return op == Op::kNone ? m : Matrix(m.transpose()); }

void expect_near(const Matrix& actual, const Matrix& expected) {
  ASSERT_EQ(actual.rows(), expected.rows());
  ASSERT_EQ(actual.cols(), expected.cols());
  for (Eigen::Index i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual.data()[i], expected.data()[i], 1e-4f * (1.0f + std::abs(expected.data()[i])))
        << "element " << i;
  }
}

TEST(GemmTest, EqualsEigenForEveryTransposeAndShape) {
  const int shapes[][3] = {{1, 1, 1}, {3, 4, 5}, {17, 33, 65}, {64, 10, 300}, {100, 3, 10}};
  uint64_t seed = 1;
  for (const auto& [m, n, k] : shapes) {
    for (Op op_a : {Op::kNone, Op::kTranspose}) {
      for (Op op_b : {Op::kNone, Op::kTranspose}) {
        SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                     (op_a == Op::kNone ? " a" : " aT") + (op_b == Op::kNone ? " b" : " bT"));
        const Matrix a =
            op_a == Op::kNone ? random_matrix(m, k, seed++) : random_matrix(k, m, seed++);
        const Matrix b =
            op_b == Op::kNone ? random_matrix(k, n, seed++) : random_matrix(n, k, seed++);
        Matrix c = Matrix::Constant(m, n, std::nanf(""));  // beta 0 ignores what c held
        gemm(a, op_a, b, op_b, c);
        expect_near(c, apply(a, op_a) * apply(b, op_b));
      }
    }
  }
}

TEST(GemmTest, AlphaBetaAndBlocksOfLargerMatrices) {
  const Matrix big_a = random_matrix(40, 9, 11), big_b = random_matrix(9, 30, 12);
  const Matrix c0 = random_matrix(12, 30, 13);
  Matrix c = c0;
  // Rows 5..16 of a, and the result added to 0.5 c: c = 2 a b + 0.5 c.
  gemm(big_a.middleRows(5, 12), Op::kNone, big_b, Op::kNone, c, 2.0f, 0.5f);
  expect_near(c, 2.0f * big_a.middleRows(5, 12) * big_b + 0.5f * c0);
  // Into a block of a bigger matrix: the rows around it stay as they were.
  Matrix out = Matrix::Constant(20, 30, 7.0f);
  gemm(big_a.middleRows(0, 10), Op::kNone, big_b, Op::kNone, out.middleRows(4, 10));
  expect_near(out.middleRows(4, 10), big_a.middleRows(0, 10) * big_b);
  EXPECT_EQ(out.topRows(4), Matrix::Constant(4, 30, 7.0f));
  EXPECT_EQ(out.bottomRows(6), Matrix::Constant(6, 30, 7.0f));
}

TEST(GemmTest, EmptyShapes) {
  Matrix c = Matrix::Constant(3, 2, 5.0f);
  gemm(Matrix(3, 0), Op::kNone, Matrix(0, 2), Op::kNone, c);  // an empty sum is 0
  EXPECT_EQ(c, Matrix::Zero(3, 2));
  c.setConstant(5.0f);
  gemm(Matrix(3, 0), Op::kNone, Matrix(0, 2), Op::kNone, c, 1.0f, 0.5f);
  EXPECT_EQ(c, Matrix::Constant(3, 2, 2.5f));
  Matrix none(0, 2);
  gemm(Matrix(0, 4), Op::kNone, random_matrix(4, 2, 1), Op::kNone, none);
  EXPECT_EQ(none.size(), 0);
}

TEST(GemmTest, ThreadCountCanBeSetAndResultsDoNotDependOnIt) {
  const int before = num_threads();
  EXPECT_GE(before, 1);
  const Matrix a = random_matrix(300, 200, 21), b = random_matrix(200, 250, 22);
  Matrix one(300, 250), two(300, 250);
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
  gemm(a, Op::kNone, b, Op::kNone, one);
  set_num_threads(2);
  gemm(a, Op::kNone, b, Op::kNone, two);
  expect_near(two, one);
  set_num_threads(0);  // below 1: one thread
  EXPECT_EQ(num_threads(), 1);
  set_num_threads(before);
  EXPECT_NE(std::string(blas_description()).find("OpenBLAS"), std::string::npos);
}

TEST(ColumnSumsTest, EqualsEigenWithAlphaAndBetaOnBlocks) {
  const Matrix big = random_matrix(50, 40, 61);
  const auto block = big.block(3, 0, 37, 40);  // rows 3..39: a block with the same stride
  std::vector<float> out(40, 0.0f);
  column_sums(block, out);
  const RowVector expected = Matrix(block).colwise().sum();
  for (int j = 0; j < 40; ++j) EXPECT_NEAR(out[j], expected(j), 1e-4f) << "column " << j;

  std::vector<float> bias(40);
  for (int j = 0; j < 40; ++j) bias[j] = 0.25f * static_cast<float>(j);
  const std::vector<float> before = bias;
  column_sums(block, bias, -0.1f, 1.0f);  // a bias step: b -= 0.1 · sum
  for (int j = 0; j < 40; ++j) EXPECT_NEAR(bias[j], before[j] - 0.1f * expected(j), 1e-4f);
}

TEST(ColumnSumsTest, NoRowsIsTheEmptySum) {
  std::vector<float> out = {1.0f, 2.0f, std::nanf("")};
  column_sums(Matrix(0, 3), out);
  EXPECT_EQ(out, (std::vector<float>{0.0f, 0.0f, 0.0f}));  // beta 0 ignores NaNs
  out = {1.0f, 2.0f, 3.0f};
  column_sums(Matrix(0, 3), out, 1.0f, 2.0f);
  EXPECT_EQ(out, (std::vector<float>{2.0f, 4.0f, 6.0f}));
}

}  // namespace
}  // namespace cairn::nn
