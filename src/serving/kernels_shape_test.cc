// Shape, Size, Rank, Pack, Unpack, Fill, Range, Transpose and Tile through
// the graph interpreter (Transpose and Tile against TensorFlow.js), and the
// run's byte budget refusing the huge outputs a crafted graph asks for.
#include <gtest/gtest.h>

#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

TEST(KernelsShapeTest, ShapeSizeAndRankOfAnyDtype) {
  const Tensor words = Tensor::from_strings({"a", "b", "c", "d", "e", "f"}, {2, 3});
  EXPECT_EQ(run_one("Shape", {words}), ints({2, 3}));
  EXPECT_EQ(run_one("Shape", {words}, {{"out_type", type_attr(DType::kInt64)}}),
            Tensor::from_vector<int64_t>({2, 3}, {2}));
  EXPECT_EQ(run_one("Size", {words}), Tensor::scalar<int32_t>(6));
  EXPECT_EQ(run_one("Rank", {words}), Tensor::scalar<int32_t>(2));
}

TEST(KernelsShapeTest, PackAndUnpackOnEachAxis) {
  const Tensor a = Tensor::from_vector<int64_t>({1, 2, 3}, {3});
  const Tensor b = Tensor::from_vector<int64_t>({4, 5, 6}, {3});
  EXPECT_EQ(run_one("Pack", {a, b}), Tensor::from_vector<int64_t>({1, 2, 3, 4, 5, 6}, {2, 3}));
  const Tensor columns = run_one("Pack", {a, b}, {{"axis", int_attr(-1)}});
  EXPECT_EQ(columns, Tensor::from_vector<int64_t>({1, 4, 2, 5, 3, 6}, {3, 2}));
  auto parts = run_op("Unpack", {columns}, {{"num", int_attr(2)}, {"axis", int_attr(1)}}, 2);
  ASSERT_TRUE(parts.ok()) << parts.status().to_string();
  EXPECT_EQ((*parts)[0], a);
  EXPECT_EQ((*parts)[1], b);
  EXPECT_EQ(run_op("Pack", {a, ints({1, 2, 3})}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      run_op("Unpack", {columns}, {{"num", int_attr(3)}, {"axis", int_attr(1)}}, 3).status().code(),
      StatusCode::kInvalidArgument);
  // The graph cannot read an output past attr num.
  EXPECT_EQ(
      run_op("Unpack", {columns}, {{"num", int_attr(2)}, {"axis", int_attr(1)}}, 3).status().code(),
      StatusCode::kInvalidArgument);
}

TEST(KernelsShapeTest, FillAndRange) {
  EXPECT_EQ(run_one("Fill", {ints({2, 2}), Tensor::scalar<bool>(true)}),
            Tensor::from_vector<bool>({true, true, true, true}, {2, 2}));
  EXPECT_EQ(run_one("Fill", {ints({2}), Tensor::from_strings({"x"}, {})}),
            Tensor::from_strings({"x", "x"}, {2}));
  EXPECT_EQ(run_one("Range", {Tensor::scalar<int32_t>(1), Tensor::scalar<int32_t>(8),
                              Tensor::scalar<int32_t>(3)}),
            ints({1, 4, 7}));
  EXPECT_EQ(run_one("Range", {Tensor::scalar<int64_t>(5), Tensor::scalar<int64_t>(0),
                              Tensor::scalar<int64_t>(-2)}),
            Tensor::from_vector<int64_t>({5, 3, 1}, {3}));
  EXPECT_EQ(run_one("Range", {Tensor::scalar<float>(0), Tensor::scalar<float>(1),
                              Tensor::scalar<float>(0.25f)}),
            Tensor::from_vector<float>({0, 0.25f, 0.5f, 0.75f}, {4}));
  for (int32_t delta : {0, -1}) {
    auto got = run_op("Range", {Tensor::scalar<int32_t>(0), Tensor::scalar<int32_t>(4),
                                Tensor::scalar<int32_t>(delta)});
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << delta;
  }
}

TEST(KernelsShapeTest, TransposeAndTileMatchTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(7);
  const Tensor x = random_floats(rng, {2, 3, 4});
  const std::vector<std::vector<int32_t>> perms = {{2, 0, 1}, {1, 0, 2}, {0, 1, 2}};
  const std::vector<std::vector<int32_t>> reps = {{1, 2, 1}, {3, 1, 2}, {2, 0, 1}};
  TfjsOracle tfjs;
  for (const auto& p : perms) tfjs.add("transpose", {x}, {{"perm", p}});
  for (const auto& r : reps) tfjs.add("tile", {x}, {{"reps", r}});
  ASSERT_TRUE(tfjs.run());
  for (size_t k = 0; k < perms.size(); ++k) {
    tfjs.expect_near(k, run_one("Transpose", {x, ints(perms[k])}), 0);
    tfjs.expect_near(perms.size() + k, run_one("Tile", {x, ints(reps[k])}), 0);
  }
}

TEST(KernelsShapeTest, TransposeAndTileRefuseBadArguments) {
  const Tensor x = Tensor::from_vector<uint8_t>({1, 2, 3, 4}, {2, 2});
  EXPECT_EQ(run_one("Transpose", {x, ints({1, 0})}),
            Tensor::from_vector<uint8_t>({1, 3, 2, 4}, {2, 2}));
  for (const auto& perm : std::vector<std::vector<int32_t>>{{0, 0}, {0, 2}, {0}, {1, 0, 2}}) {
    EXPECT_EQ(run_op("Transpose", {x, ints(perm)}).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(run_op("Tile", {x, ints({2})}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run_op("Tile", {x, ints({-1, 1})}).status().code(), StatusCode::kInvalidArgument);
}

// A crafted graph asks for an output of petabytes from a few bytes of input:
// each is refused by the budget before anything is allocated.
TEST(KernelsShapeTest, HugeOutputsAreRefusedByTheRunBudget) {
  const int64_t budget = int64_t{1} << 20;
  const int32_t big = std::numeric_limits<int32_t>::max();
  const Tensor one = Tensor::from_vector<float>({1}, {1, 1});
  const std::vector<std::pair<std::string, std::vector<Tensor>>> cases = {
      {"Fill", {ints({big, big}), Tensor::scalar<float>(0)}},
      {"Tile", {one, ints({big, big})}},
      {"Range",
       {Tensor::scalar<int64_t>(0), Tensor::scalar<int64_t>(int64_t{1} << 62),
        Tensor::scalar<int64_t>(1)}},
  };
  for (const auto& [op, inputs] : cases) {
    auto got = run_op(op, inputs, {}, 1, budget);
    ASSERT_FALSE(got.ok()) << op;
    EXPECT_EQ(got.status().code(), StatusCode::kResourceExhausted) << got.status().to_string();
    EXPECT_NE(got.status().message().find("node 'node' (" + op + ")"), std::string::npos);
  }
}

}  // namespace
}  // namespace cairn::serving::internal
