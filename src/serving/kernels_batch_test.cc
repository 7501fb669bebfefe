// BatchMatMulV2, Einsum and FusedBatchNormV3 against TensorFlow.js
// (tf.matMul, tf.einsum, tf.batchNorm), and their refusals.
#include <gtest/gtest.h>

#include "serving/kernel_test_util.h"

namespace cairn::serving::internal {
namespace {

TEST(KernelsBatchTest, BatchMatMulV2BroadcastsAndTransposesLikeTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(2);
  const Tensor a = random_floats(rng, {2, 1, 3, 4});
  const Tensor b = random_floats(rng, {5, 4, 6});
  const Tensor a_t = random_floats(rng, {2, 4, 3});
  const Tensor b_t = random_floats(rng, {2, 6, 4});
  const Tensor one_t = random_floats(rng, {1, 4, 3});
  TfjsOracle tfjs;
  tfjs.add("matMul", {a, b}, {{"transposeA", false}, {"transposeB", false}});
  tfjs.add("matMul", {a_t, b_t}, {{"transposeA", true}, {"transposeB", true}});
  tfjs.add("matMul", {one_t, b}, {{"transposeA", true}, {"transposeB", false}});
  ASSERT_TRUE(tfjs.run());
  tfjs.expect_near(0, run_one("BatchMatMulV2", {a, b}));
  const AttrList both = {{"adj_x", bool_attr(true)}, {"adj_y", bool_attr(true)}};
  tfjs.expect_near(1, run_one("BatchMatMulV2", {a_t, b_t}, both));
  tfjs.expect_near(2, run_one("BatchMatMulV2", {one_t, b}, {{"adj_x", bool_attr(true)}}));
  EXPECT_EQ(run_op("BatchMatMulV2", {a, a}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run_op("BatchMatMulV2", {random_floats(rng, {2, 3, 4}), random_floats(rng, {3, 4, 2})})
                .status()
                .code(),
            StatusCode::kInvalidArgument);  // batch 2 against 3
  const Tensor i = Tensor::from_vector<int64_t>({1, 2, 3, 4}, {1, 2, 2});
  EXPECT_EQ(run_one("BatchMatMulV2", {i, i}),
            Tensor::from_vector<int64_t>({7, 10, 15, 22}, {1, 2, 2}));
}

TEST(KernelsBatchTest, IntegerProductsWrapAsTensorFlowsDo) {
  const Tensor big = Tensor::from_vector<int32_t>({1 << 30, 3}, {1, 1, 2});
  const Tensor four = Tensor::from_vector<int32_t>({4, 1}, {1, 2, 1});
  EXPECT_EQ(run_one("BatchMatMulV2", {big, four}), Tensor::from_vector<int32_t>({3}, {1, 1, 1}));
}

TEST(KernelsBatchTest, EinsumTwoOperandFormsMatchTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(4);
  struct Case {
    std::string equation;
    std::vector<Tensor> inputs;
  };
  const std::vector<Case> cases = {
      {"ij,jk->ik", {random_floats(rng, {3, 4}), random_floats(rng, {4, 5})}},
      {"bij,bjk->bik", {random_floats(rng, {2, 3, 4}), random_floats(rng, {2, 4, 5})}},
      {"bi,bi->b", {random_floats(rng, {3, 4}), random_floats(rng, {3, 4})}},
      {"i,j->ij", {random_floats(rng, {3}), random_floats(rng, {4})}},
      {"ij,jk->ki", {random_floats(rng, {3, 4}), random_floats(rng, {4, 5})}},
      {"ij->ji", {random_floats(rng, {3, 4})}},
      {"bjd,bkd->bjk", {random_floats(rng, {2, 3, 4}), random_floats(rng, {2, 5, 4})}},
      {"abc,cd->abd", {random_floats(rng, {2, 3, 4}), random_floats(rng, {4, 5})}},
  };
  TfjsOracle tfjs;
  for (const Case& c : cases) tfjs.add("einsum", c.inputs, {{"equation", c.equation}});
  ASSERT_TRUE(tfjs.run());
  for (size_t k = 0; k < cases.size(); ++k) {
    tfjs.expect_near(k, run_one("Einsum", cases[k].inputs,
                                {{"equation", string_attr(cases[k].equation)},
                                 {"N", int_attr(static_cast<int64_t>(cases[k].inputs.size()))}}));
  }
}

TEST(KernelsBatchTest, EinsumRefusesFormsItDoesNotRun) {
  std::mt19937 rng(8);
  const Tensor m = random_floats(rng, {3, 3});
  const Tensor v = random_floats(rng, {3});
  const std::vector<std::pair<std::string, std::vector<Tensor>>> cases = {
      {"ii->i", {m}},                                  // a diagonal
      {"ij->i", {m}},                                  // a sum over one operand
      {"ij,j->", {m, v}},                              // i summed over one operand
      {"...ij,jk->ik", {m, m}},                        // an ellipsis
      {"ij,jk->ik", {m, random_floats(rng, {4, 2})}},  // j sizes differ
      {"ij,jk,kl->il", {m, m, m}},
      {"ij,jk->iz", {m, m}},
  };
  for (const auto& [equation, inputs] : cases) {
    auto got = run_op("Einsum", inputs, {{"equation", string_attr(equation)}});
    ASSERT_FALSE(got.ok()) << equation;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << equation;
    EXPECT_NE(got.status().message().find("node 'node' (Einsum)"), std::string::npos);
  }
}

TEST(KernelsBatchTest, FusedBatchNormV3InferenceMatchesTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::mt19937 rng(9);
  const Tensor x = random_floats(rng, {2, 3, 3, 4});
  const Tensor scale = random_floats(rng, {4}, 0.5f, 2);
  const Tensor offset = random_floats(rng, {4});
  const Tensor mean = random_floats(rng, {4});
  const Tensor variance = random_floats(rng, {4}, 0.1f, 2);
  TfjsOracle tfjs;
  tfjs.add("batchNorm", {x, scale, offset, mean, variance}, {{"epsilon", 0.001}});
  ASSERT_TRUE(tfjs.run());
  const AttrList attrs = {{"epsilon", float_attr(0.001f)}, {"is_training", bool_attr(false)}};
  auto got = run_op("FusedBatchNormV3", {x, scale, offset, mean, variance}, attrs, 6);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  tfjs.expect_near(0, (*got)[0]);
  EXPECT_EQ((*got)[1], mean);
  EXPECT_EQ((*got)[2], variance);
}

TEST(KernelsBatchTest, FusedBatchNormRefusesTrainingAndMisfitStatistics) {
  std::mt19937 rng(10);
  const Tensor x = random_floats(rng, {1, 2, 2, 3});
  const Tensor c = random_floats(rng, {3}, 0.5f, 1);
  auto training = run_op("FusedBatchNormV3", {x, c, c, c, c}, {});  // TF's default: training
  ASSERT_FALSE(training.ok());
  EXPECT_EQ(training.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(training.status().message().find("node 'node' (FusedBatchNormV3): is_training"),
            std::string::npos)
      << training.status().message();
  const AttrList inference = {{"is_training", bool_attr(false)}};
  EXPECT_EQ(
      run_op("FusedBatchNormV3", {x, c, c, random_floats(rng, {2}), c}, inference).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(run_op("FusedBatchNormV3", {random_floats(rng, {2, 3}), c, c, c, c}, inference)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::serving::internal
