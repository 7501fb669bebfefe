#include "cairn/core/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace cairn {
namespace {

TEST(DTypeTest, NumbersAreTensorFlows) {
  EXPECT_EQ(static_cast<int>(DType::kFloat32), 1);
  EXPECT_EQ(static_cast<int>(DType::kFloat64), 2);
  EXPECT_EQ(static_cast<int>(DType::kInt32), 3);
  EXPECT_EQ(static_cast<int>(DType::kUint8), 4);
  EXPECT_EQ(static_cast<int>(DType::kInt16), 5);
  EXPECT_EQ(static_cast<int>(DType::kInt8), 6);
  EXPECT_EQ(static_cast<int>(DType::kString), 7);
  EXPECT_EQ(static_cast<int>(DType::kInt64), 9);
  EXPECT_EQ(static_cast<int>(DType::kBool), 10);
  EXPECT_EQ(static_cast<int>(DType::kBfloat16), 14);
  EXPECT_EQ(static_cast<int>(DType::kUint16), 17);
  EXPECT_EQ(static_cast<int>(DType::kHalf), 19);
  EXPECT_EQ(static_cast<int>(DType::kUint32), 22);
  EXPECT_EQ(static_cast<int>(DType::kUint64), 23);
}

TEST(DTypeTest, NamesRoundTripAndSizes) {
  for (int v = 0; v < 30; ++v) {
    if (!is_known_dtype(v)) continue;
    auto dtype = static_cast<DType>(v);
    auto back = dtype_from_name(dtype_name(dtype));
    ASSERT_TRUE(back.has_value()) << v;
    EXPECT_EQ(*back, dtype);
  }
  EXPECT_EQ(dtype_name(DType::kHalf), "half");
  EXPECT_EQ(dtype_from_name("DT_FLOAT"), DType::kFloat32);
  EXPECT_EQ(dtype_from_name("complex64"), DType::kComplex64);  // known; bytes only, no math
  EXPECT_FALSE(dtype_from_name("complex256").has_value());
  EXPECT_EQ(dtype_size(DType::kBfloat16), 2u);
  EXPECT_EQ(dtype_size(DType::kUint64), 8u);
  EXPECT_EQ(dtype_size(DType::kString), 0u);
  EXPECT_TRUE(is_known_dtype(8));  // complex64: named like TensorFlow, no math
  EXPECT_FALSE(has_math(DType::kComplex64));
  EXPECT_FALSE(is_known_dtype(99));
}

TEST(TensorShapeTest, ElementsAndText) {
  EXPECT_EQ(TensorShape({4, 10}).num_elements(), 40);
  EXPECT_EQ(TensorShape().num_elements(), 1);
  EXPECT_EQ(TensorShape({3, 0, 5}).num_elements(), 0);
  EXPECT_EQ(TensorShape({4, 10}).to_string(), "[4, 10]");
  EXPECT_EQ(TensorShape().to_string(), "[]");
}

TEST(TensorShapeTest, CheckedElementsRejectsNegativeAndOverflow) {
  EXPECT_EQ(TensorShape({-1, 3}).checked_num_elements(100), -1);
  EXPECT_EQ(TensorShape({int64_t{1} << 40, int64_t{1} << 40}).checked_num_elements(INT64_MAX), -1);
  EXPECT_EQ(TensorShape({11, 10}).checked_num_elements(100), -1);
  EXPECT_EQ(TensorShape({10, 10}).checked_num_elements(100), 100);
  EXPECT_EQ(TensorShape({0, -2}).checked_num_elements(100), -1);
  EXPECT_EQ(TensorShape({0, int64_t{1} << 62}).checked_num_elements(100), 0);
}

TEST(TensorTest, ZeroFilledAndAligned) {
  Tensor t(DType::kFloat64, {3, 5});
  EXPECT_EQ(t.num_elements(), 15);
  EXPECT_EQ(t.byte_size(), 15u * 8u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % Tensor::kAlignment, 0u);
  for (double v : t.flat<double>()) EXPECT_EQ(v, 0.0);
}

TEST(TensorTest, LargeBuffersStartOnHugePageBoundariesAndAreZeroed) {
  Tensor big(DType::kFloat32, {1024, 1025});  // just over 4 MiB
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % (uintptr_t{2} << 20), 0u);
  EXPECT_EQ(big.flat<float>().back(), 0.0f);
  Tensor copy = big;  // copies take the same path
  EXPECT_EQ(reinterpret_cast<uintptr_t>(copy.data()) % (uintptr_t{2} << 20), 0u);
  EXPECT_EQ(copy, big);
}

TEST(TensorTest, CopiesAreDeepAndEqual) {
  auto a = Tensor::from_vector<int32_t>({1, 2, 3, 4}, {2, 2});
  Tensor b = a;
  EXPECT_EQ(a, b);
  b.flat<int32_t>()[0] = 9;
  EXPECT_EQ(a.flat<int32_t>()[0], 1);
  EXPECT_FALSE(a == b);
}

TEST(TensorTest, EqualityNeedsSameDtypeAndShape) {
  auto a = Tensor::from_vector<int32_t>({1, 2, 3, 4}, {2, 2});
  auto b = Tensor::from_vector<int32_t>({1, 2, 3, 4}, {4});
  auto c = Tensor::from_vector<uint32_t>({1, 2, 3, 4}, {2, 2});
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == c);
}

TEST(TensorTest, StringsAndScalars) {
  auto s = Tensor::from_strings({"", std::string(1000, 'x')}, {2});
  EXPECT_EQ(s.dtype(), DType::kString);
  EXPECT_EQ(s.strings()[1].size(), 1000u);
  EXPECT_EQ(s.byte_size(), 0u);
  auto step = Tensor::scalar<int64_t>(200);
  EXPECT_EQ(step.shape().rank(), 0);
  EXPECT_EQ(step.element_as_double(0), 200.0);
}

TEST(TensorTest, EmptyTensorHasNoElements) {
  Tensor t(DType::kInt8, {0, 7});
  EXPECT_EQ(t.num_elements(), 0);
  EXPECT_EQ(t.byte_size(), 0u);
  EXPECT_EQ(t, Tensor(DType::kInt8, {0, 7}));
}

}  // namespace
}  // namespace cairn
