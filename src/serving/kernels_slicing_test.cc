// StridedSlice, Slice and Gather/GatherV2 through the graph interpreter,
// their values checked against TensorFlow.js and by hand, and their refusal
// of bad masks, bounds and indices.
#include <gtest/gtest.h>

#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

Tensor iota(TensorShape shape) {
  Tensor t(DType::kFloat32, std::move(shape));
  for (size_t i = 0; i < t.flat<float>().size(); ++i) t.flat<float>()[i] = static_cast<float>(i);
  return t;
}

struct Slice {
  std::vector<int32_t> begin, end, strides;
  int64_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_mask = 0;
};

AttrList mask_attrs(const Slice& s) {
  return {{"begin_mask", int_attr(s.begin_mask)},
          {"end_mask", int_attr(s.end_mask)},
          {"ellipsis_mask", int_attr(s.ellipsis_mask)},
          {"new_axis_mask", int_attr(s.new_axis_mask)},
          {"shrink_axis_mask", int_attr(s.shrink_mask)}};
}

Result<std::vector<Tensor>> strided_slice(const Tensor& x, const Slice& s) {
  return run_op("StridedSlice", {x, ints(s.begin), ints(s.end), ints(s.strides)}, mask_attrs(s));
}

TEST(KernelsSlicingTest, StridedSliceMatchesTfjsForEveryMask) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  const Tensor x = iota({3, 4, 5});
  const std::vector<Slice> slices = {
      {{0, 1, 0}, {3, 3, 5}, {1, 1, 2}},
      {{-1, 0, 4}, {-4, 4, 0}, {-1, 2, -2}},                             // negative strides
      {{1, 0, 0}, {2, 0, 0}, {1, 1, 1}, 0b110, 0b110},                   // begin/end masks
      {{1, 0, 0}, {2, 0, 0}, {1, 1, 1}, 0, 0, 0, 0, 0b001},              // shrink axis 0
      {{0, 2}, {0, 3}, {1, 1}, 0, 0, 0b01},                              // ellipsis, then last axis
      {{0, 0, 1}, {0, 0, 3}, {1, 1, 1}, 0, 0, 0b010, 0b001},             // new axis, ellipsis
      {{-2, 1, -1}, {100, -100, -100}, {1, -1, -3}, 0, 0, 0, 0, 0b000},  // clamped bounds
  };
  TfjsOracle tfjs;
  for (const Slice& s : slices) {
    tfjs.add("stridedSlice", {x},
             {{"begin", s.begin},
              {"end", s.end},
              {"strides", s.strides},
              {"beginMask", s.begin_mask},
              {"endMask", s.end_mask},
              {"ellipsisMask", s.ellipsis_mask},
              {"newAxisMask", s.new_axis_mask},
              {"shrinkAxisMask", s.shrink_mask}});
  }
  ASSERT_TRUE(tfjs.run());
  for (size_t k = 0; k < slices.size(); ++k) {
    auto got = strided_slice(x, slices[k]);
    ASSERT_TRUE(got.ok()) << "slice " << k << ": " << got.status().to_string();
    tfjs.expect_near(k, (*got)[0], 0);
  }
}

TEST(KernelsSlicingTest, StridedSliceOfStringsAndInt64) {
  const Tensor words = Tensor::from_strings({"a", "b", "c", "d"}, {4});
  auto got = strided_slice(words, {{3}, {0}, {-2}});
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ((*got)[0], Tensor::from_strings({"d", "b"}, {2}));
  got = strided_slice(iota({3, 4, 5}), {{2, 1, 3}, {0, 3, 4}, {1, 1, 1}, 0, 0, 0, 0, 0b100});
  ASSERT_TRUE(got.ok()) << got.status().to_string();  // axis 0 empty (tfjs fails on it)
  EXPECT_EQ((*got)[0].shape(), TensorShape({0, 2}));
  const Tensor big = Tensor::from_vector<int64_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  got = strided_slice(big, {{0, -1}, {2, 0}, {1, 1}, 0, 0, 0, 0, 0b10});  // x[:, -1]
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ((*got)[0], Tensor::from_vector<int64_t>({3, 6}, {2}));
}

TEST(KernelsSlicingTest, StridedSliceRefusesBadSpecsNamingTheNode) {
  const Tensor x = iota({3, 4});
  const std::vector<Slice> bad = {
      {{0, 0}, {1, 1}, {1, 0}},              // zero stride
      {{0, 0}, {1, 1}, {1, 1}, 0, 0, 0b11},  // two ellipses
      {{5}, {6}, {1}, 0, 0, 0, 0, 0b1},      // shrunk index out of range
      {{-4}, {0}, {1}, 0, 0, 0, 0, 0b1},     // shrunk negative index out of range
      {{0, 0, 0}, {1, 1, 1}, {1, 1, 1}},     // more axes than the input
      {{0, 0}, {1}, {1, 1}},                 // lengths differ
  };
  for (size_t k = 0; k < bad.size(); ++k) {
    auto got = strided_slice(x, bad[k]);
    ASSERT_FALSE(got.ok()) << "spec " << k;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << "spec " << k;
    EXPECT_NE(got.status().message().find("node 'node' (StridedSlice)"), std::string::npos)
        << got.status().message();
  }
}

TEST(KernelsSlicingTest, StridedSliceTakesExtremeBoundsAndStrides) {
  const Tensor x = iota({4});
  const int32_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  auto got = strided_slice(x, {{lo}, {hi}, {hi}});
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ((*got)[0], Tensor::from_vector<float>({0}, {1}));
  got = strided_slice(x, {{hi}, {lo}, {lo}});
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ((*got)[0], Tensor::from_vector<float>({3}, {1}));
}

TEST(KernelsSlicingTest, SliceReadsABoxAndRefusesOneOutsideTheInput) {
  const Tensor x = iota({3, 4});
  EXPECT_EQ(run_one("Slice", {x, ints({1, 1}), ints({2, -1})}),
            Tensor::from_vector<float>({5, 6, 7, 9, 10, 11}, {2, 3}));
  for (const auto& [begin, size] :
       std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>>{
           {{1, 1}, {3, 1}}, {{-1, 0}, {1, 1}}, {{0, 0}, {1, -2}}, {{0}, {1}}}) {
    auto got = run_op("Slice", {x, ints(begin), ints(size)});
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(KernelsSlicingTest, GatherMatchesTfjsOnEveryAxis) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(20);
  const Tensor params = random_floats(rng, {3, 4, 2});
  const Tensor indices = Tensor::from_vector<int32_t>({2, 0, 1, 1, 0, 2}, {2, 3});
  const Tensor last = Tensor::from_vector<int32_t>({1, 0, 1}, {3});  // axis 2 has size 2
  TfjsOracle tfjs;
  for (int axis = 0; axis < 3; ++axis) {
    tfjs.add("gather", {params, axis == 2 ? last : indices}, {{"axis", axis}});
  }
  ASSERT_TRUE(tfjs.run());
  for (int axis = 0; axis < 3; ++axis) {  // negative axes, counted from the end
    tfjs.expect_near(static_cast<size_t>(axis),
                     run_one("GatherV2", {params, axis == 2 ? last : indices,
                                          Tensor::scalar<int64_t>(axis - 3)}),
                     0);
  }
  tfjs.expect_near(0, run_one("Gather", {params, indices}), 0);
}

TEST(KernelsSlicingTest, GatherRefusesAnIndexOutsideTheAxis) {
  const Tensor params = Tensor::from_vector<int64_t>({10, 20, 30}, {3});
  for (int32_t bad : {3, -1, std::numeric_limits<int32_t>::max()}) {
    auto got = run_op("GatherV2", {params, ints({0, bad}), Tensor::scalar<int32_t>(0)});
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(
        got.status().message().find("indices[1] = " + std::to_string(bad) + " is not in [0, 3)"),
        std::string::npos)
        << got.status().message();
  }
  auto batch = run_op("GatherV2", {params, ints({0}), Tensor::scalar<int32_t>(0)},
                      {{"batch_dims", int_attr(1)}});
  EXPECT_EQ(batch.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run_op("GatherV2", {params, ints({0}), Tensor::scalar<int32_t>(1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(run_one("GatherV2", {Tensor::from_strings({"x", "y"}, {2}), ints({1, 1, 0}),
                                 Tensor::scalar<int32_t>(0)}),
            Tensor::from_strings({"y", "y", "x"}, {3}));
}

}  // namespace
}  // namespace cairn::serving::internal
