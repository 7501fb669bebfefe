// tensor_from_proto: the inverse of to_tensor_proto for every dtype, the
// compact *_val forms TensorFlow writes, and bad protos as DATA_LOSS.
#include "cairn/formats/graph/tensor_proto.h"

#include <gtest/gtest.h>

#include "cairn/formats/graph/graph_builder.h"

namespace cairn {
namespace {

TEST(TensorProtoTest, RoundTripsTensorContentAndStrings) {
  for (const Tensor& t :
       {Tensor::from_vector<float>({1.5f, -2, 3, 4}, {2, 2}),
        Tensor::from_vector<int64_t>({7, 8, 9}, {3}), Tensor::from_vector<int32_t>({-1}, {}),
        Tensor(DType::kFloat64, {0, 3}), Tensor::from_strings({"a", "", "xyz"}, {3})}) {
    auto back = tensor_from_proto(to_tensor_proto(t), "t");
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, t);
  }
}

TEST(TensorProtoTest, CompactValuesRepeatTheLastOneAndNoneMeansZeros) {
  auto filled = tensor_from_proto(filled_tensor_proto(DType::kFloat32, {2, 3}, 0.5), "t");
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(*filled, Tensor::from_vector<float>({0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, {2, 3}));
  tensorflow::TensorProto p = filled_tensor_proto(DType::kInt32, {4}, 1);
  p.add_int_val(2);
  EXPECT_EQ(*tensor_from_proto(p, "t"), Tensor::from_vector<int32_t>({1, 2, 2, 2}, {4}));
  p.clear_int_val();
  EXPECT_EQ(*tensor_from_proto(p, "t"), Tensor(DType::kInt32, {4}));
  auto b = tensor_from_proto(filled_tensor_proto(DType::kBool, {2}, 1), "t");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, Tensor::from_vector<bool>({true, true}, {2}));
}

TEST(TensorProtoTest, BadProtosAreDataLossNamingTheTensor) {
  tensorflow::TensorProto short_content = to_tensor_proto(Tensor(DType::kFloat32, {4}));
  short_content.mutable_tensor_content()->resize(15);
  auto s = tensor_from_proto(short_content, "node 'w'");
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("node 'w'"), std::string::npos);

  tensorflow::TensorProto too_many = filled_tensor_proto(DType::kFloat32, {1}, 1);
  too_many.add_float_val(2);
  EXPECT_EQ(tensor_from_proto(too_many, "t").status().code(), StatusCode::kDataLoss);

  tensorflow::TensorProto negative = filled_tensor_proto(DType::kFloat32, {1}, 1);
  negative.mutable_tensor_shape()->mutable_dim(0)->set_size(-1);
  EXPECT_EQ(tensor_from_proto(negative, "t").status().code(), StatusCode::kDataLoss);

  tensorflow::TensorProto resource;
  resource.set_dtype(tensorflow::DT_RESOURCE);
  EXPECT_EQ(tensor_from_proto(resource, "t").status().code(), StatusCode::kUnimplemented);
}

// Finding 12: one float_val in a Const of [2^28] expanded 60 bytes into 1 GiB.
TEST(TensorProtoTest, CompactFormExpandingPastTheLimitIsResourceExhausted) {
  tensorflow::TensorProto fill = filled_tensor_proto(DType::kFloat32, {1 << 28}, 1);
  auto limited = tensor_from_proto(fill, "node 'c'", int64_t{1} << 20);
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(limited.status().message().find("node 'c'"), std::string::npos);
  EXPECT_NE(limited.status().message().find("[268435456]"), std::string::npos);
  tensorflow::TensorProto huge = filled_tensor_proto(DType::kFloat32, {1 << 20, 1 << 20}, 1);
  EXPECT_EQ(tensor_from_proto(huge, "t").status().code(), StatusCode::kResourceExhausted);
  tensorflow::TensorProto wraps = filled_tensor_proto(DType::kFloat32, {1, 1}, 1);
  wraps.mutable_tensor_shape()->mutable_dim(0)->set_size(int64_t{1} << 31);
  wraps.mutable_tensor_shape()->mutable_dim(1)->set_size(int64_t{1} << 31);
  EXPECT_EQ(tensor_from_proto(wraps, "t").status().code(), StatusCode::kResourceExhausted);
  fill.mutable_tensor_shape()->mutable_dim(0)->set_size(1 << 18);
  EXPECT_TRUE(tensor_from_proto(fill, "t", int64_t{1} << 20).ok());
}

TEST(TensorProtoTest, RepeatedStringPastTheLimitIsResourceExhausted) {
  tensorflow::TensorProto p = filled_tensor_proto(DType::kString, {1 << 20}, 0);
  p.clear_string_val();
  p.add_string_val(std::string(1 << 20, 'x'));  // 1 MiB repeated 2^20 times: 1 TiB
  EXPECT_EQ(tensor_from_proto(p, "t").status().code(), StatusCode::kResourceExhausted);
  p.mutable_tensor_shape()->mutable_dim(0)->set_size(4);
  auto small = tensor_from_proto(p, "t");
  ASSERT_TRUE(small.ok()) << small.status().to_string();
  EXPECT_EQ(small->strings()[3].size(), size_t{1} << 20);
}

TEST(TensorProtoTest, RankOverTensorFlowsLimitIsDataLossNamingTheTensor) {
  tensorflow::TensorProto p = filled_tensor_proto(DType::kFloat32, {}, 1);
  for (int i = 0; i < 100000; ++i) p.mutable_tensor_shape()->add_dim()->set_size(1);
  auto deep = tensor_from_proto(p, "node 'deep'");
  EXPECT_EQ(deep.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(deep.status().message().find("node 'deep'"), std::string::npos);
  EXPECT_NE(deep.status().message().find("100000 dimensions"), std::string::npos);
  EXPECT_LT(deep.status().message().size(), 200u);
}

}  // namespace
}  // namespace cairn
