// tensor_size(): the checked shape -> elements -> bytes conversion, and the
// Tensor constructor that relies on it refusing shapes whose size would wrap.
#include "cairn/core/tensor_size.h"

#include <gtest/gtest.h>

#include <limits>

#include "cairn/core/errors.h"
#include "cairn/core/tensor.h"

namespace cairn {
namespace {

constexpr int64_t k2to31 = int64_t{1} << 31;

// The message of the error Tensor(dtype, shape) throws, which must be an E.
template <typename E>
std::string construction_error(DType dtype, TensorShape shape) {
  try {
    Tensor t(dtype, std::move(shape));
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "the tensor was allocated";
  return "";
}

TEST(TensorSize, CountsElementsAndBytes) {
  auto size = tensor_size(DType::kFloat32, {4, 10});
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->elements, 40);
  EXPECT_EQ(size->bytes, 160);
  EXPECT_EQ(tensor_size(DType::kInt64, {}).value().bytes, 8);
  EXPECT_EQ(tensor_size(DType::kString, {3}).value().bytes,
            3 * static_cast<int64_t>(sizeof(std::string)));
}

TEST(TensorSize, ZeroDimensionMeansNoElementsHoweverLargeTheOthers) {
  auto size = tensor_size(DType::kFloat32, {k2to31, k2to31, 0});
  ASSERT_TRUE(size.ok()) << size.status().to_string();
  EXPECT_EQ(size->elements, 0);
  EXPECT_EQ(size->bytes, 0);
}

TEST(TensorSize, BytesOverTheLimitAreResourceExhaustedNamingTheShape) {
  EXPECT_TRUE(tensor_size(DType::kFloat32, {25}, 100).ok());
  auto over = tensor_size(DType::kFloat32, {26}, 100);
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("float32 [26]"), std::string::npos)
      << over.status().message();
}

TEST(TensorSize, ElementCountThatOverflowsInt64IsResourceExhausted) {
  auto size = tensor_size(DType::kInt8, {int64_t{1} << 62, 4});
  EXPECT_EQ(size.status().code(), StatusCode::kResourceExhausted);
}

TEST(TensorSize, NegativeDimensionIsInvalidArgument) {
  auto size = tensor_size(DType::kFloat32, {3, -1});
  EXPECT_EQ(size.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(size.status().message().find("[3, -1]"), std::string::npos);
}

TEST(TensorSize, RankOverTensorFlowsLimitIsInvalidArgument) {
  EXPECT_TRUE(tensor_size(DType::kFloat32, TensorShape(std::vector<int64_t>(254, 1))).ok());
  auto size = tensor_size(DType::kFloat32, TensorShape(std::vector<int64_t>(255, 1)));
  EXPECT_EQ(size.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(size.status().message().find("255 dimensions"), std::string::npos);
}

TEST(TensorShape, TextOfAShapeOverTheRankLimitStaysShort) {
  const std::string text = TensorShape(std::vector<int64_t>(100000, 1)).to_string();
  EXPECT_EQ(text, "[1, 1, 1, 1, 1, 1, 1, 1, ...] (rank 100000)");
  EXPECT_EQ(TensorShape(std::vector<int64_t>(255, 1)).checked_num_elements(10), -1);
}

// Finding 1: [2^31, 2^31] float32 is 2^64 bytes, which wrapped to 0.
TEST(Tensor, ByteSizeThatWrapsIsRefused) {
  const std::string message =
      construction_error<ResourceExhaustedError>(DType::kFloat32, {k2to31, k2to31});
  EXPECT_NE(message.find("[2147483648, 2147483648]"), std::string::npos) << message;
  construction_error<ResourceExhaustedError>(DType::kFloat64, {int64_t{1} << 62, 2});
  construction_error<ResourceExhaustedError>(DType::kString, {int64_t{1} << 60});
}

TEST(Tensor, SizeOverTheAddressSpaceIsRefusedBeforeAllocating) {
  construction_error<ResourceExhaustedError>(DType::kUint8, {kMaxTensorBytes + 1});
}

TEST(Tensor, NegativeDimensionIsRefused) {
  const std::string message = construction_error<InvalidArgumentError>(DType::kFloat32, {-3, 10});
  EXPECT_NE(message.find("[-3, 10]"), std::string::npos) << message;
}

TEST(Tensor, RankOverTensorFlowsLimitIsRefused) {
  construction_error<InvalidArgumentError>(DType::kFloat32,
                                           TensorShape(std::vector<int64_t>(255, 1)));
  EXPECT_EQ(Tensor(DType::kFloat32, TensorShape(std::vector<int64_t>(254, 1))).num_elements(), 1);
}

TEST(Tensor, EmptyShapeWithHugeDimensionsHasNoBytes) {
  Tensor t(DType::kFloat32, {k2to31, 0});
  EXPECT_EQ(t.num_elements(), 0);
  EXPECT_EQ(t.byte_size(), 0u);
}

}  // namespace
}  // namespace cairn
