// diff_checkpoints(): tensors only in one side, dtype and shape changes, and
// the numbers of checkpoint_diff.h checked against values worked out by hand.
#include "cairn/checkpoint/checkpoint_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> names(const std::vector<VariableInfo>& infos) {
  std::vector<std::string> out;
  for (const VariableInfo& v : infos) out.push_back(v.name);
  return out;
}

const TensorComparison& find(const CheckpointDiff& d, const std::string& name) {
  for (const TensorComparison& c : d.compared) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no comparison of " + name);
}

class CheckpointDiffTest : public ::testing::Test {
 protected:
  std::string save(const std::string& name, const NamedTensors& tensors) {
    return save_variables("/m/" + name, tensors, {}, memory_);
  }
  MemoryFileSystem memory_;
};

TEST_F(CheckpointDiffTest, ACheckpointAgainstItselfIsIdentical) {
  const std::string a = save("model.ckpt-1", {{"w", Tensor::from_vector<float>({1, 2, 3}, {3})},
                                              {"names", Tensor::from_strings({"x", "y"}, {2})},
                                              {"global_step", Tensor::scalar<int64_t>(1)}});
  CheckpointDiff d = diff_checkpoints(a, a, memory_);
  EXPECT_FALSE(d.differs());
  EXPECT_EQ(d.compared.size(), 3u);
  for (const TensorComparison& c : d.compared) {
    EXPECT_TRUE(c.identical) << c.name;
    EXPECT_EQ(c.max_abs_diff, 0) << c.name;
  }
  EXPECT_FALSE(find(d, "names").numeric);
  EXPECT_TRUE(find(d, "w").numeric);
}

TEST_F(CheckpointDiffTest, NumbersMatchTheirDefinitions) {
  const std::string a = save("model.ckpt-1", {{"w", Tensor::from_vector<float>({1, 2, 3, 4}, {4})},
                                              {"b", Tensor::from_vector<float>({5}, {1})}});
  const std::string b =
      save("model.ckpt-2", {{"w", Tensor::from_vector<float>({1, 2, 3.5, 2}, {4})},
                            {"b", Tensor::from_vector<float>({5}, {1})}});
  CheckpointDiff d = diff_checkpoints(a, b, memory_);
  EXPECT_EQ(d.prefix_a, "/m/model.ckpt-1");
  EXPECT_EQ(d.prefix_b, "/m/model.ckpt-2");
  EXPECT_TRUE(d.differs());
  const TensorComparison& w = find(d, "w");
  EXPECT_FALSE(w.identical);
  // |a-b| = 0, 0, 0.5, 2
  EXPECT_DOUBLE_EQ(w.max_abs_diff, 2.0);
  EXPECT_DOUBLE_EQ(w.mean_abs_diff, 2.5 / 4);
  EXPECT_DOUBLE_EQ(w.relative_change, std::sqrt(0.25 + 4) / std::sqrt(1 + 4 + 9 + 16.0));
  EXPECT_EQ(w.elements_changed, 2);
  EXPECT_TRUE(find(d, "b").identical);
  EXPECT_TRUE(d.differs(1.9));
  EXPECT_FALSE(d.differs(2.0));  // every value within the tolerance
}

TEST_F(CheckpointDiffTest, OnlyInOneSideAndDtypeOrShapeChanges) {
  const std::string a = save("a", {{"kept", Tensor::scalar<float>(1)},
                                   {"gone", Tensor::scalar<float>(1)},
                                   {"wider", Tensor::from_vector<float>({1, 2}, {2})},
                                   {"step", Tensor::scalar<int32_t>(7)}});
  const std::string b = save("b", {{"kept", Tensor::scalar<float>(1)},
                                   {"new", Tensor::scalar<float>(1)},
                                   {"wider", Tensor::from_vector<float>({1, 2, 3}, {3})},
                                   {"step", Tensor::scalar<int64_t>(7)}});
  CheckpointDiff d = diff_checkpoints(a, b, memory_);
  EXPECT_EQ(names(d.only_in_a), std::vector<std::string>{"gone"});
  EXPECT_EQ(names(d.only_in_b), std::vector<std::string>{"new"});
  ASSERT_EQ(d.type_changes.size(), 2u);
  EXPECT_EQ(d.type_changes[0].name, "step");
  EXPECT_EQ(d.type_changes[0].a.dtype, DType::kInt32);
  EXPECT_EQ(d.type_changes[0].b.dtype, DType::kInt64);
  EXPECT_EQ(d.type_changes[1].name, "wider");
  EXPECT_EQ(d.type_changes[1].a.shape, TensorShape({2}));
  EXPECT_EQ(d.type_changes[1].b.shape, TensorShape({3}));
  ASSERT_EQ(d.compared.size(), 1u);
  EXPECT_TRUE(d.compared[0].identical);
  EXPECT_TRUE(d.differs(1e9));  // no tolerance hides a missing tensor
}

TEST_F(CheckpointDiffTest, EveryNumericDtypeComparedAsDoubles) {
  const std::string a =
      save("a", {{"h", Tensor::from_vector<half>({half::from_float(1.5f)}, {1})},
                 {"bf", Tensor::from_vector<bfloat16>({bfloat16::from_float(2)}, {1})},
                 {"i8", Tensor::from_vector<int8_t>({-3}, {1})},
                 {"u64", Tensor::from_vector<uint64_t>({10}, {1})},
                 {"flag", Tensor::from_vector<bool>({true, false}, {2})}});
  const std::string b =
      save("b", {{"h", Tensor::from_vector<half>({half::from_float(1.0f)}, {1})},
                 {"bf", Tensor::from_vector<bfloat16>({bfloat16::from_float(4)}, {1})},
                 {"i8", Tensor::from_vector<int8_t>({4}, {1})},
                 {"u64", Tensor::from_vector<uint64_t>({7}, {1})},
                 {"flag", Tensor::from_vector<bool>({true, true}, {2})}});
  CheckpointDiff d = diff_checkpoints(a, b, memory_);
  EXPECT_DOUBLE_EQ(find(d, "h").max_abs_diff, 0.5);
  EXPECT_DOUBLE_EQ(find(d, "bf").max_abs_diff, 2.0);
  EXPECT_DOUBLE_EQ(find(d, "i8").max_abs_diff, 7.0);
  EXPECT_DOUBLE_EQ(find(d, "u64").max_abs_diff, 3.0);  // no unsigned wrap-around
  EXPECT_DOUBLE_EQ(find(d, "flag").mean_abs_diff, 0.5);
}

TEST_F(CheckpointDiffTest, StringsAreComparedForEquality) {
  const std::string a = save("a", {{"vocab", Tensor::from_strings({"cat", "dog"}, {2})}});
  const std::string b = save("b", {{"vocab", Tensor::from_strings({"cat", "doe"}, {2})}});
  CheckpointDiff d = diff_checkpoints(a, b, memory_);
  ASSERT_EQ(d.compared.size(), 1u);
  EXPECT_FALSE(d.compared[0].identical);
  EXPECT_FALSE(d.compared[0].numeric);
  EXPECT_TRUE(d.differs(1e9));  // a tolerance is for numbers only
}

TEST_F(CheckpointDiffTest, NaNsInTheSamePlaceAreEqualANaNFacingANumberIsInfinite) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::string a = save("a", {{"same", Tensor::from_vector<float>({nan, 1}, {2})},
                                   {"other", Tensor::from_vector<float>({nan, 1}, {2})}});
  const std::string b = save("b", {{"same", Tensor::from_vector<float>({nan, 1}, {2})},
                                   {"other", Tensor::from_vector<float>({0, 1}, {2})}});
  CheckpointDiff d = diff_checkpoints(a, b, memory_);
  EXPECT_EQ(find(d, "same").max_abs_diff, 0);
  EXPECT_TRUE(std::isinf(find(d, "other").max_abs_diff));
  EXPECT_TRUE(d.differs(1e9));
}

TEST_F(CheckpointDiffTest, RelativeChangeFromZeroIsInfinite) {
  const std::string a = save("a", {{"w", Tensor::from_vector<float>({0, 0}, {2})}});
  const std::string b = save("b", {{"w", Tensor::from_vector<float>({0, 3}, {2})}});
  EXPECT_TRUE(std::isinf(diff_checkpoints(a, b, memory_).compared[0].relative_change));
  EXPECT_EQ(diff_checkpoints(a, a, memory_).compared[0].relative_change, 0);
}

TEST_F(CheckpointDiffTest, ADirectoryMeansItsNewestCheckpoint) {
  save("model.ckpt-1", {{"w", Tensor::scalar<float>(1)}});
  save("model.ckpt-2", {{"w", Tensor::scalar<float>(2)}});
  CheckpointDiff d = diff_checkpoints("/m/model.ckpt-1", "/m", memory_);
  EXPECT_EQ(d.prefix_b, "/m/model.ckpt-2");
  EXPECT_DOUBLE_EQ(d.compared.at(0).max_abs_diff, 1.0);
}

TEST_F(CheckpointDiffTest, MissingPathIsNotFoundNamingIt) {
  const std::string a = save("a", {{"w", Tensor::scalar<float>(1)}});
  try {
    diff_checkpoints(a, "/m/nothing-here", memory_);
    FAIL() << "no error";
  } catch (const NotFoundError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/m/nothing-here"));
  }
}

TEST(CheckpointDiffDiskTest, DamagedBytesAreDataLossNamingTheTensor) {
  testing::TempDir dir;
  const std::string a = save_variables(dir.path() + "/a", {{"w", Tensor::scalar<double>(1)}});
  const std::string b = save_variables(dir.path() + "/b", {{"w", Tensor::scalar<double>(1)}});
  {
    std::fstream f(b + ".data-00000-of-00001", std::ios::in | std::ios::out | std::ios::binary);
    f.put('\x55');
  }
  try {
    diff_checkpoints(a, b);
    FAIL() << "no error";
  } catch (const DataLossError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'w'"));
  }
}

TEST(CheckpointDiffFixtureTest, TwoStepsOfATensorFlowManagedRun) {
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/tf-guide-checkpoints-james/tf_ckpts";
  CheckpointDiff d = diff_checkpoints(dir + "/ckpt-38", dir);
  EXPECT_EQ(d.prefix_b, dir + "/ckpt-40");
  EXPECT_TRUE(d.only_in_a.empty());
  EXPECT_TRUE(d.only_in_b.empty());
  EXPECT_TRUE(d.type_changes.empty());
  EXPECT_TRUE(d.differs());
  // Values read with ../shared/tools/tfckpt.py: save_counter 38 -> 40 (int64),
  // step 380 -> 400 (int32); the iterator's state is a variant, compared by bytes.
  EXPECT_DOUBLE_EQ(find(d, "save_counter/.ATTRIBUTES/VARIABLE_VALUE").max_abs_diff, 2.0);
  EXPECT_DOUBLE_EQ(find(d, "step/.ATTRIBUTES/VARIABLE_VALUE").max_abs_diff, 20.0);
  const TensorComparison& iterator = find(d, "iterator/.ATTRIBUTES/ITERATOR_STATE");
  EXPECT_FALSE(iterator.numeric);
  EXPECT_TRUE(find(d, "optimizer/beta_1/.ATTRIBUTES/VARIABLE_VALUE").identical);
}

}  // namespace
}  // namespace cairn
