// Comparisons, logical ops, Select/SelectV2, Where and Assert through the
// graph interpreter (Assert, which has no output to fetch, through its
// kernel).
#include <gtest/gtest.h>

#include "serving/kernel.h"
#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

Tensor bools(const std::vector<bool>& v, TensorShape shape) {
  return Tensor::from_vector(v, shape);
}

TEST(KernelsCompareTest, ComparisonsBroadcastOverEveryRealDtype) {
  const Tensor a = Tensor::from_vector<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<int32_t>({2, 5, 4}, {3});
  EXPECT_EQ(run_one("Less", {a, b}), bools({1, 1, 1, 0, 0, 0}, {2, 3}));
  EXPECT_EQ(run_one("LessEqual", {a, b}), bools({1, 1, 1, 0, 1, 0}, {2, 3}));
  EXPECT_EQ(run_one("Greater", {a, b}), bools({0, 0, 0, 1, 0, 1}, {2, 3}));
  EXPECT_EQ(run_one("GreaterEqual", {a, b}), bools({0, 0, 0, 1, 1, 1}, {2, 3}));
  EXPECT_EQ(run_one("Equal", {a, b}), bools({0, 0, 0, 0, 1, 0}, {2, 3}));
  EXPECT_EQ(run_one("NotEqual", {a, b}), bools({1, 1, 1, 1, 0, 1}, {2, 3}));
  const Tensor u = Tensor::from_vector<uint8_t>({0, 200, 255}, {3});
  EXPECT_EQ(run_one("Greater", {u, Tensor::scalar<uint8_t>(100)}), bools({0, 1, 1}, {3}));
  const Tensor d = Tensor::from_vector<double>({0.5, -1}, {2, 1});
  EXPECT_EQ(run_one("Less", {d, Tensor::from_vector<double>({0, 1}, {2})}),
            bools({0, 1, 1, 1}, {2, 2}));
  EXPECT_EQ(
      run_one("Equal", {Tensor::from_strings({"a", "b"}, {2}), Tensor::from_strings({"b"}, {})}),
      bools({0, 1}, {2}));
  EXPECT_EQ(run_one("Equal", {bools({1, 0}, {2}), Tensor::scalar<bool>(false)}),
            bools({0, 1}, {2}));
  EXPECT_EQ(run_op("Less", {a, Tensor::from_vector<int64_t>({1, 2, 3}, {3})}).status().code(),
            StatusCode::kInvalidArgument);
  const Status no_bool_order = run_op("Less", {bools({1}, {1}), bools({0}, {1})}).status();
  EXPECT_EQ(no_bool_order.code(), StatusCode::kUnimplemented);
  EXPECT_NE(no_bool_order.message().find("node 'node' (Less): dtype bool"), std::string::npos)
      << no_bool_order.message();
  EXPECT_EQ(run_op("Less", {a, Tensor::from_vector<int32_t>({1, 2}, {2})}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(KernelsCompareTest, LogicalOps) {
  const Tensor p = bools({1, 1, 0, 0}, {2, 2});
  const Tensor q = bools({1, 0}, {2});
  EXPECT_EQ(run_one("LogicalAnd", {p, q}), bools({1, 0, 0, 0}, {2, 2}));
  EXPECT_EQ(run_one("LogicalOr", {p, q}), bools({1, 1, 1, 0}, {2, 2}));
  EXPECT_EQ(run_one("LogicalNot", {q}), bools({0, 1}, {2}));
  EXPECT_EQ(run_op("LogicalAnd", {Tensor::scalar<int32_t>(1), Tensor::scalar<int32_t>(1)})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(KernelsCompareTest, SelectChoosesElementsOrRowsAndSelectV2Broadcasts) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor y = Tensor::from_vector<float>({-1, -2, -3, -4}, {2, 2});
  EXPECT_EQ(run_one("Select", {bools({1, 0, 0, 1}, {2, 2}), x, y}),
            Tensor::from_vector<float>({1, -2, -3, 4}, {2, 2}));
  EXPECT_EQ(run_one("Select", {bools({0, 1}, {2}), x, y}),  // whole rows
            Tensor::from_vector<float>({-1, -2, 3, 4}, {2, 2}));
  EXPECT_EQ(run_op("Select", {bools({0, 1, 1}, {3}), x, y}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(run_one("SelectV2", {bools({0, 1}, {2}), x, Tensor::scalar<float>(0)}),  // columns
            Tensor::from_vector<float>({0, 2, 0, 4}, {2, 2}));
  EXPECT_EQ(run_one("SelectV2", {Tensor::scalar<bool>(true), Tensor::from_strings({"a"}, {1}),
                                 Tensor::from_strings({"b", "c"}, {2})}),
            Tensor::from_strings({"a", "a"}, {2}));
  EXPECT_EQ(run_op("SelectV2", {bools({0, 1, 1}, {3}), x, y}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(KernelsCompareTest, WhereGivesInt64CoordinatesInOrder) {
  EXPECT_EQ(run_one("Where", {bools({0, 1, 1, 0, 0, 1}, {2, 3})}),
            Tensor::from_vector<int64_t>({0, 1, 0, 2, 1, 2}, {3, 2}));
  EXPECT_EQ(run_one("Where", {Tensor::from_vector<float>({0, 2.5f, 0}, {3})}),
            Tensor::from_vector<int64_t>({1}, {1, 1}));
  EXPECT_EQ(run_one("Where", {bools({0, 0}, {2})}).shape(), TensorShape({0, 1}));
}

// Runs the Assert kernel on `inputs` as node "check".
Result<std::vector<Tensor>> run_assert(const std::vector<Tensor>& inputs) {
  tensorflow::NodeDef node;
  node.set_name("check");
  node.set_op("Assert");
  const std::map<std::string, Tensor> variables;
  MemoryBudget budget(1 << 20);
  KernelContext ctx{node, {}, variables, budget};
  for (const Tensor& t : inputs) ctx.inputs.push_back(&t);
  return find_kernel("Assert")(ctx);
}

TEST(KernelsCompareTest, AssertFailsWithItsDataWhenTheConditionIsFalse) {
  const Tensor message = Tensor::from_strings({"x must be positive"}, {});
  const Tensor x = Tensor::from_vector<int32_t>({-1, 2, 3, 4}, {4});
  auto passed = run_assert({Tensor::scalar<bool>(true), message, x});
  ASSERT_TRUE(passed.ok()) << passed.status().to_string();
  EXPECT_TRUE(passed->empty());
  auto failed = run_assert({Tensor::scalar<bool>(false), message, x});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.status().message(),
            "node 'check' (Assert): assertion failed: x must be positive [-1 2 3...]");
  EXPECT_EQ(run_assert({Tensor::scalar<int32_t>(0)}).status().code(), StatusCode::kInvalidArgument);
  tensorflow::NodeDef node;
  node.set_op("Assert");
  EXPECT_EQ(num_outputs(node), 0);
}

}  // namespace
}  // namespace cairn::serving::internal
