// Conv2D, MaxPool and AvgPool on NHWC inputs against TensorFlow.js (SAME
// and VALID padding, strides, dilations), integer pools by hand, and bad
// attrs refused naming the node.
#include <gtest/gtest.h>

#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

struct Window {
  int64_t rows, cols, stride_rows, stride_cols;
  std::string padding;
  int64_t dilation = 1;
};

AttrList window_attrs(const Window& w, const char* size_attr = nullptr) {
  AttrList attrs = {{"strides", int_list_attr({1, w.stride_rows, w.stride_cols, 1})},
                    {"padding", string_attr(w.padding)},
                    {"data_format", string_attr("NHWC")}};
  if (size_attr != nullptr) {
    attrs.push_back({size_attr, int_list_attr({1, w.rows, w.cols, 1})});
  } else {
    attrs.push_back({"dilations", int_list_attr({1, w.dilation, w.dilation, 1})});
  }
  return attrs;
}

Json tfjs_args(const Window& w, bool pool) {
  std::string pad = w.padding == "SAME" ? "same" : "valid";
  Json args = {{"strides", {w.stride_rows, w.stride_cols}}, {"pad", pad}};
  if (pool) args["size"] = {w.rows, w.cols};
  if (!pool) args["dilations"] = {w.dilation, w.dilation};
  return args;
}

const std::vector<Window> kWindows = {
    {3, 3, 1, 1, "SAME"},  {3, 3, 2, 2, "SAME"}, {2, 3, 2, 1, "VALID"},
    {3, 2, 1, 2, "VALID"}, {2, 2, 3, 3, "SAME"}, {3, 3, 1, 1, "SAME", 2},
};

TEST(KernelsConvTest, Conv2DMatchesTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(5);
  const Tensor x = random_floats(rng, {2, 7, 6, 3});
  std::vector<Tensor> filters;
  TfjsOracle tfjs;
  for (const Window& w : kWindows) {
    filters.push_back(random_floats(rng, {w.rows, w.cols, 3, 4}));
    tfjs.add("conv2d", {x, filters.back()}, tfjs_args(w, false));
  }
  ASSERT_TRUE(tfjs.run());
  for (size_t k = 0; k < kWindows.size(); ++k) {
    tfjs.expect_near(k, run_one("Conv2D", {x, filters[k]}, window_attrs(kWindows[k])));
  }
}

TEST(KernelsConvTest, PoolsMatchTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(6);
  const Tensor x = random_floats(rng, {2, 7, 6, 3});
  TfjsOracle tfjs;
  for (const Window& w : kWindows) {
    if (w.dilation != 1) continue;
    tfjs.add("maxPool", {x}, tfjs_args(w, true));
    tfjs.add("avgPool", {x}, tfjs_args(w, true));
  }
  ASSERT_TRUE(tfjs.run());
  size_t k = 0;
  for (const Window& w : kWindows) {
    if (w.dilation != 1) continue;
    tfjs.expect_near(k++, run_one("MaxPool", {x}, window_attrs(w, "ksize")));
    tfjs.expect_near(k++, run_one("AvgPool", {x}, window_attrs(w, "ksize")));
  }
}

TEST(KernelsConvTest, AvgPoolDividesBySameWindowsInsideTheInput) {
  const Tensor x = Tensor::from_vector<double>({1, 2, 3, 4}, {1, 2, 2, 1});
  // A 3x3 SAME window on a 2x2 input covers the whole input: 10 / 4.
  const Tensor avg = run_one("AvgPool", {x}, window_attrs({3, 3, 1, 1, "SAME"}, "ksize"));
  EXPECT_EQ(avg, Tensor::from_vector<double>({2.5, 2.5, 2.5, 2.5}, {1, 2, 2, 1}));
  const Tensor bytes = Tensor::from_vector<uint8_t>({1, 9, 3, 4}, {1, 2, 2, 1});
  EXPECT_EQ(run_one("MaxPool", {bytes}, window_attrs({2, 2, 1, 1, "VALID"}, "ksize")),
            Tensor::from_vector<uint8_t>({9}, {1, 1, 1, 1}));
  const Tensor ints = Tensor::from_vector<int32_t>({1, 2, 3, 4}, {1, 2, 2, 1});
  EXPECT_EQ(run_one("Conv2D", {ints, Tensor::from_vector<int32_t>({1, 1, 1, 1}, {2, 2, 1, 1})},
                    window_attrs({2, 2, 1, 1, "VALID"})),
            Tensor::from_vector<int32_t>({10}, {1, 1, 1, 1}));
}

TEST(KernelsConvTest, RefusesBadWindowsNamingTheNode) {
  std::mt19937 rng(1);
  const Tensor x = random_floats(rng, {1, 3, 3, 2});
  const Tensor filter = random_floats(rng, {2, 2, 2, 1});
  const auto expect_invalid = [](Result<std::vector<Tensor>> got, const std::string& op) {
    ASSERT_FALSE(got.ok()) << op;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find("node 'node' (" + op + ")"), std::string::npos)
        << got.status().message();
  };
  AttrList attrs = window_attrs({2, 2, 1, 1, "EXPLICIT"});
  expect_invalid(run_op("Conv2D", {x, filter}, attrs), "Conv2D");
  attrs = window_attrs({2, 2, 0, 1, "SAME"});
  expect_invalid(run_op("Conv2D", {x, filter}, attrs), "Conv2D");
  attrs = window_attrs({2, 2, 1, 1, "SAME"});
  expect_invalid(run_op("Conv2D", {x, random_floats(rng, {2, 2, 3, 1})}, attrs), "Conv2D");
  attrs.push_back({"data_format", string_attr("NCHW")});
  attrs.erase(attrs.begin() + 2);
  expect_invalid(run_op("Conv2D", {x, filter}, attrs), "Conv2D");
  expect_invalid(run_op("MaxPool", {x}, window_attrs({4, 4, 1, 1, "VALID"}, "ksize")), "MaxPool");
  expect_invalid(
      run_op("AvgPool", {random_floats(rng, {3, 3})}, window_attrs({1, 1, 1, 1, "VALID"}, "ksize")),
      "AvgPool");
}

// The im2col patches are held to the run's budget: a small input and filter
// whose patch matrix would be gigabytes is refused, not allocated.
TEST(KernelsConvTest, HugePatchMatrixIsRefusedByTheBudget) {
  const Tensor x(DType::kFloat32, {1, 64, 64, 64});
  const Tensor filter(DType::kFloat32, {32, 32, 64, 1});
  auto got =
      run_op("Conv2D", {x, filter}, window_attrs({32, 32, 1, 1, "SAME"}), 1, int64_t{8} << 20);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kResourceExhausted) << got.status().to_string();
}

}  // namespace
}  // namespace cairn::serving::internal
