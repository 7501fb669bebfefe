#include "cairn/data/idx.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/core/errors.h"

namespace cairn::data {
namespace {

std::string idx_bytes(uint8_t type, std::vector<uint32_t> dims, std::string body) {
  std::string b{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims) {
    for (int shift : {24, 16, 8, 0}) b += static_cast<char>((d >> shift) & 0xFF);
  }
  return b + body;
}

TEST(IdxTest, ParsesUint8AndBigEndianInt32) {
  Tensor u8 = value_or_throw(parse_idx(idx_bytes(0x08, {2, 3}, "\x01\x02\x03\x04\x05\xff"), "t"));
  EXPECT_EQ(u8.dtype(), DType::kUint8);
  EXPECT_EQ(u8.shape(), (TensorShape{2, 3}));
  EXPECT_EQ(u8.flat<uint8_t>()[5], 255);
  Tensor i32 =
      value_or_throw(parse_idx(idx_bytes(0x0C, {1}, std::string("\x00\x00\x01\x02", 4)), "t"));
  EXPECT_EQ(i32.flat<int32_t>()[0], 258);
}

TEST(IdxTest, LimitKeepsTheFirstItems) {
  Tensor t = value_or_throw(parse_idx(idx_bytes(0x08, {3, 2}, "abcdef"), "t", {.limit = 2}));
  EXPECT_EQ(t.shape(), (TensorShape{2, 2}));
  EXPECT_EQ(t.flat<uint8_t>()[3], 'd');
}

TEST(IdxTest, BadBytesAreDataLossNamingTheFile) {
  for (const std::string& bad :
       {std::string("xy"), idx_bytes(0x08, {2, 3}, "abc"), idx_bytes(0x07, {1}, "a"),
        idx_bytes(0x08, {4000000000u, 4000000000u}, "")}) {
    Result<Tensor> r = parse_idx(bad, "images.idx");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find("images.idx"), std::string::npos);
  }
}

TEST(IdxTest, ReadsDebianFashionMnist) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/t10k-labels-idx1-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  Tensor images = read_idx(dir + "/t10k-images-idx3-ubyte.gz", {.limit = 1000});
  Tensor labels = read_idx(dir + "/t10k-labels-idx1-ubyte.gz");
  EXPECT_EQ(images.shape(), (TensorShape{1000, 28, 28}));
  EXPECT_EQ(labels.shape(), (TensorShape{10000}));
  // The first test item of Fashion-MNIST is an ankle boot (class 9).
  EXPECT_EQ(labels.flat<uint8_t>()[0], 9);
}

}  // namespace
}  // namespace cairn::data
