// Every DataType a TensorFlow checkpoint can record has TensorFlow's name
// (issue 19, finding 16: complex64, complex128, uint32 and resource tensors
// were listed as "invalid"), and says whether cairn computes on it.
#include "cairn/core/dtype.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(DType, TensorFlowDtypesAreNamedNotInvalid) {
  const std::pair<int, const char*> tf_dtypes[] = {
      {8, "complex64"}, {11, "qint8"},       {12, "quint8"},       {13, "qint32"},  {15, "qint16"},
      {16, "quint16"},  {18, "complex128"},  {20, "resource"},     {21, "variant"}, {22, "uint32"},
      {23, "uint64"},   {24, "float8_e5m2"}, {25, "float8_e4m3fn"}};
  for (const auto& [number, name] : tf_dtypes) {
    ASSERT_TRUE(is_known_dtype(number)) << number;
    EXPECT_EQ(dtype_name(static_cast<DType>(number)), name);
    EXPECT_EQ(dtype_from_name(name), static_cast<DType>(number)) << name;
  }
  EXPECT_EQ(dtype_from_name("DT_COMPLEX128"), DType::kComplex128);
  EXPECT_FALSE(is_known_dtype(99));
  EXPECT_EQ(dtype_name(static_cast<DType>(99)), "invalid");
}

TEST(DType, ComplexAndQuantizedHoldBytesButNoMath) {
  EXPECT_EQ(dtype_size(DType::kComplex64), 8u);
  EXPECT_EQ(dtype_size(DType::kComplex128), 16u);
  EXPECT_EQ(dtype_size(DType::kQint32), 4u);
  EXPECT_TRUE(has_values(DType::kComplex64));
  EXPECT_FALSE(has_math(DType::kComplex64));
  EXPECT_FALSE(has_math(DType::kQuint8));
  EXPECT_TRUE(has_math(DType::kFloat32));
  EXPECT_TRUE(has_math(DType::kUint32));
  EXPECT_TRUE(has_values(DType::kString));
}

TEST(DType, ResourceAndVariantHaveNoValues) {
  for (DType t : {DType::kResource, DType::kVariant, DType::kInvalid}) {
    EXPECT_FALSE(has_values(t)) << dtype_name(t);
    EXPECT_FALSE(has_math(t)) << dtype_name(t);
    EXPECT_EQ(dtype_size(t), 0u);
  }
}

}  // namespace
}  // namespace cairn
