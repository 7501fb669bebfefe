#include "cairn/nn/matrix.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace cairn::nn {
namespace {

TEST(MatrixTest, RankTwoIsRowMajorView) {
  Tensor t = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  MatrixMap m = as_matrix(t);
  ASSERT_EQ(m.rows(), 2);
  ASSERT_EQ(m.cols(), 3);
  EXPECT_EQ(m(0, 2), 3.0f);
  EXPECT_EQ(m(1, 0), 4.0f);
  m(1, 1) = 50.0f;  // writes through to the tensor
  EXPECT_EQ(t.flat<float>()[4], 50.0f);
}

TEST(MatrixTest, RankOneIsOneRowAndScalarIsOneByOne) {
  Tensor v = Tensor::from_vector<float>({1, 2, 3}, {3});
  EXPECT_EQ(as_matrix(v).rows(), 1);
  EXPECT_EQ(as_matrix(v).cols(), 3);
  const Tensor s = Tensor::scalar<float>(7.0f);
  ConstMatrixMap m = as_matrix(s);
  EXPECT_EQ(m.rows(), 1);
  EXPECT_EQ(m.cols(), 1);
  EXPECT_EQ(m(0, 0), 7.0f);
}

TEST(MatrixTest, EmptyTensorIsEmptyMatrix) {
  Tensor t(DType::kFloat32, {0, 4});
  EXPECT_EQ(as_matrix(t).size(), 0);
  EXPECT_EQ(as_matrix(t).cols(), 4);
}

TEST(MatrixTest, ToTensorCopiesWithShape) {
  Matrix m(2, 2);
  m << 1, 2, 3, 4;
  Tensor t = to_tensor(m);
  EXPECT_EQ(t.dtype(), DType::kFloat32);
  EXPECT_EQ(t.shape(), (TensorShape{2, 2}));
  EXPECT_EQ(t.flat<float>()[1], 2.0f);
  EXPECT_EQ(t.flat<float>()[2], 3.0f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % Tensor::kAlignment, 0u);
  EXPECT_EQ(Matrix(as_matrix(t)), m);
}

TEST(MatrixTest, ResizeWithHugePagesKeepsTheBufferOfTheSameShape) {
  Matrix m;
  resize_with_huge_pages(m, 256, 4096);  // 4 MiB: advised
  ASSERT_EQ(m.rows(), 256);
  ASSERT_EQ(m.cols(), 4096);
  m.setConstant(2.0f);
  const float* buffer = m.data();
  resize_with_huge_pages(m, 256, 4096);
  EXPECT_EQ(m.data(), buffer);  // no reallocation: a layer's cache stays put
  EXPECT_EQ(m(255, 4095), 2.0f);
  resize_with_huge_pages(m, 3, 5);  // small: a plain resize
  EXPECT_EQ(m.rows(), 3);
  EXPECT_EQ(m.cols(), 5);
  resize_with_huge_pages(m, 0, 5);
  EXPECT_EQ(m.size(), 0);
}

}  // namespace
}  // namespace cairn::nn
