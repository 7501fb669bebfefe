// The unary and binary math kernels beside the seed's: Sqrt, Rsqrt, Log,
// Pow, FloorDiv, FloorMod, LogSoftmax, Softplus, LeakyRelu, Selu and Erf
// against TensorFlow.js on float32, the integer forms by hand.
#include <gtest/gtest.h>

#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

TEST(KernelsElementwiseTest, FloatOpsMatchTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(11);
  const Tensor positive = random_floats(rng, {3, 4}, 0.1f, 4.0f);
  const Tensor x = random_floats(rng, {3, 4}, -4.0f, 4.0f);
  const Tensor row = random_floats(rng, {4}, -3.0f, 3.0f);
  const Tensor big = random_floats(rng, {2, 5}, -30.0f, 30.0f);
  TfjsOracle tfjs;
  struct Case {
    std::string op;
    std::vector<Tensor> inputs;
    AttrList attrs = {};
  };
  const std::vector<std::pair<std::string, Case>> cases = {
      {"sqrt", {"Sqrt", {positive}}},
      {"rsqrt", {"Rsqrt", {positive}}},
      {"log", {"Log", {positive}}},
      {"pow", {"Pow", {positive, row}}},
      {"floorDiv", {"FloorDiv", {x, row}}},
      {"floorMod", {"FloorMod", {x, row}}},
      {"logSoftmax", {"LogSoftmax", {big}}},
      {"softplus", {"Softplus", {big}}},
      {"selu", {"Selu", {x}}},
      {"erf", {"Erf", {x}}},
  };
  for (const auto& [js, c] : cases) tfjs.add(js, c.inputs);
  tfjs.add("leakyRelu", {x}, {{"alpha", 0.3}});
  ASSERT_TRUE(tfjs.run());
  for (size_t k = 0; k < cases.size(); ++k) {
    tfjs.expect_near(k, run_one(cases[k].second.op, cases[k].second.inputs));
  }
  tfjs.expect_near(cases.size(), run_one("LeakyRelu", {x}, {{"alpha", float_attr(0.3f)}}));
}

TEST(KernelsElementwiseTest, IntegerFloorDivFloorModAndPow) {
  const Tensor x = Tensor::from_vector<int32_t>({7, -7, 7, -7}, {4});
  const Tensor y = Tensor::from_vector<int32_t>({2, 2, -2, -2}, {4});
  EXPECT_EQ(run_one("FloorDiv", {x, y}), Tensor::from_vector<int32_t>({3, -4, -4, 3}, {4}));
  EXPECT_EQ(run_one("FloorMod", {x, y}), Tensor::from_vector<int32_t>({1, 1, -1, -1}, {4}));
  const int32_t lowest = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(run_one("FloorDiv", {Tensor::scalar<int32_t>(lowest), Tensor::scalar<int32_t>(-1)}),
            Tensor::scalar<int32_t>(lowest));  // wraps, no trap
  EXPECT_EQ(
      run_one("Pow", {Tensor::from_vector<int64_t>({3, -2}, {2}), Tensor::scalar<int64_t>(3)}),
      Tensor::from_vector<int64_t>({27, -8}, {2}));
  EXPECT_EQ(run_one("FloorMod", {Tensor::scalar<uint8_t>(250), Tensor::scalar<uint8_t>(7)}),
            Tensor::scalar<uint8_t>(5));
  for (const char* op : {"FloorDiv", "FloorMod"}) {
    auto got = run_op(op, {x, Tensor::from_vector<int32_t>({1, 0, 1, 1}, {4})});
    ASSERT_FALSE(got.ok()) << op;
    EXPECT_NE(got.status().message().find("Integer division by zero"), std::string::npos);
  }
  EXPECT_EQ(run_op("Pow", {x, Tensor::scalar<int32_t>(-1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(run_op("Sqrt", {x}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run_op("Erf", {x}).status().code(), StatusCode::kInvalidArgument);
}

TEST(KernelsElementwiseTest, Float64Activations) {
  const Tensor x = Tensor::from_vector<double>({-1, 2}, {2});
  EXPECT_EQ(run_one("LeakyRelu", {x}), Tensor::from_vector<double>({-0.2, 2}, {2}));  // alpha 0.2
  const Tensor s = run_one("Selu", {x});
  EXPECT_NEAR(s.flat<double>()[0], 1.7580993408473766 * std::expm1(-1.0), 1e-12);  // scale * alpha
  EXPECT_NEAR(s.flat<double>()[1], 2 * 1.0507009873554805, 1e-12);
  const Tensor l = run_one("LogSoftmax", {Tensor::from_vector<double>({0, 0}, {1, 2})});
  EXPECT_NEAR(l.flat<double>()[0], -std::log(2.0), 1e-12);
}

}  // namespace
}  // namespace cairn::serving::internal
