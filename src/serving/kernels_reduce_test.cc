// Sum, Mean, Prod, Max, Min, All and Any through the graph interpreter:
// float32 against TensorFlow.js over every axis list, integer dtypes by hand.
#include <gtest/gtest.h>

#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

TEST(KernelsReduceTest, FloatReductionsMatchTfjsOnAxesAndKeepDims) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(3);
  const Tensor x = random_floats(rng, {2, 3, 4}, 0.5f, 1.5f);
  const std::vector<std::pair<std::string, std::string>> ops = {
      {"Sum", "sum"}, {"Mean", "mean"}, {"Prod", "prod"}, {"Max", "max"}, {"Min", "min"}};
  const std::vector<std::vector<int32_t>> axes = {{1}, {-1}, {0, 2}, {2, 0, 1}, {}};
  TfjsOracle tfjs;
  for (const auto& [op, js] : ops) {
    for (const auto& a : axes) {
      for (bool keep : {false, true}) tfjs.add(js, {x}, {{"axis", a}, {"keepDims", keep}});
    }
  }
  ASSERT_TRUE(tfjs.run());
  size_t k = 0;
  for (const auto& [op, js] : ops) {
    for (const auto& a : axes) {
      for (bool keep : {false, true}) {
        // An empty axis list reduces nothing, in both.
        tfjs.expect_near(k++, run_one(op, {x, ints(a)}, {{"keep_dims", bool_attr(keep)}}));
      }
    }
  }
}

TEST(KernelsReduceTest, IntegerReductionsAndEmptyAxisList) {
  const Tensor x = Tensor::from_vector<int64_t>({1, -2, 3, 4, 5, -7}, {2, 3});
  EXPECT_EQ(run_one("Sum", {x, ints({1})}), Tensor::from_vector<int64_t>({2, 2}, {2}));
  EXPECT_EQ(run_one("Mean", {x, ints({1})}), Tensor::from_vector<int64_t>({0, 0}, {2}));
  EXPECT_EQ(run_one("Mean", {x, ints({0})}), Tensor::from_vector<int64_t>({2, 1, -2}, {3}));
  EXPECT_EQ(run_one("Prod", {x, ints({0})}), Tensor::from_vector<int64_t>({4, -10, -21}, {3}));
  EXPECT_EQ(run_one("Max", {x, Tensor::scalar<int32_t>(-2)}, {{"keep_dims", bool_attr(true)}}),
            Tensor::from_vector<int64_t>({4, 5, 3}, {1, 3}));
  EXPECT_EQ(run_one("Min", {x, Tensor::from_vector<int64_t>({0, 1}, {2})}),
            Tensor::scalar<int64_t>(-7));
  EXPECT_EQ(run_one("Sum", {x, ints({})}), x);
  const Tensor bytes = Tensor::from_vector<uint8_t>({200, 100}, {2});
  EXPECT_EQ(run_one("Sum", {bytes, ints({0})}), Tensor::scalar<uint8_t>(44));  // wraps, as TF
  const Tensor flags = Tensor::from_vector<bool>({true, false, true, true}, {2, 2});
  EXPECT_EQ(run_one("All", {flags, ints({1})}), Tensor::from_vector<bool>({false, true}, {2}));
  EXPECT_EQ(run_one("Any", {flags, ints({0})}), Tensor::from_vector<bool>({true, true}, {2}));
}

TEST(KernelsReduceTest, RefusesAnAxisOutsideTheInput) {
  const Tensor x = Tensor::from_vector<float>({1, 2}, {2});
  for (int32_t axis : {1, -2}) {
    auto got = run_op("Sum", {x, ints({axis})});
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find("Invalid reduction dimension"), std::string::npos);
  }
  EXPECT_EQ(run_op("Sum", {x, Tensor::from_vector<float>({0}, {1})}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::serving::internal
