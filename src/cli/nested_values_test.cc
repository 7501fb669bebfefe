// Tensors as nested arrays, both ways: --input JSON parsed into a tensor
// (its nesting bounded by the rank limit) and tensors printed as JSON or as
// inspect's text by a walk that keeps no recursion on the call stack.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cli/inspect.h"
#include "cli/json_tensor.h"

namespace cairn::cli {
namespace {

std::string nested_json(int depth, const std::string& leaf) {
  return std::string(static_cast<size_t>(depth), '[') + leaf +
         std::string(static_cast<size_t>(depth), ']');
}

// Finding 4: `--input` nested 30000 deep overflowed the stack.
TEST(JsonTensor, InputNested30000DeepIsInvalidArgument) {
  const auto value = nlohmann::json::parse(nested_json(30000, "1"));
  try {
    json_to_tensor(value, DType::kFloat32, "--input x");
    ADD_FAILURE() << "parsed";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("--input x"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("254"), std::string::npos) << e.what();
  }
}

TEST(JsonTensor, InputNested254DeepIsATensorOfRank254) {
  Tensor t =
      json_to_tensor(nlohmann::json::parse(nested_json(kMaxRank, "2.5")), DType::kFloat32, "x");
  EXPECT_EQ(t.shape(), TensorShape(std::vector<int64_t>(kMaxRank, 1)));
  EXPECT_EQ(dump_line(tensor_to_json(t)), nested_json(kMaxRank, "2.5"));
  EXPECT_EQ(format_values(t), nested_json(kMaxRank, "2.5"));
}

// A deep object as a leaf was printed (recursively) into the error message.
TEST(JsonTensor, DeepObjectLeafIsNamedNotPrinted) {
  std::string deep = "[{\"a\":" + nested_json(30000, "1") + "}]";
  try {
    json_to_tensor(nlohmann::json::parse(deep), DType::kFloat32, "x");
    ADD_FAILURE() << "parsed";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("an object is not a float32"), std::string::npos)
        << e.what();
  }
}

TEST(NestedValues, EmptyAxesScalarsAndRowsPrintAsNestedArrays) {
  const Tensor m = Tensor::from_vector<int64_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(format_values(m), "[[1, 2, 3], [4, 5, 6]]");
  EXPECT_EQ(dump_line(tensor_to_json(m)), "[[1,2,3],[4,5,6]]");
  EXPECT_EQ(dump_line(row_to_json(m, 1)), "[4,5,6]");
  EXPECT_EQ(format_values(Tensor(DType::kFloat32, {2, 0})), "[[], []]");
  EXPECT_EQ(dump_line(tensor_to_json(Tensor(DType::kFloat32, {2, 0}))), "[[],[]]");
  EXPECT_EQ(format_values(Tensor(DType::kFloat32, {0, 3})), "[]");
  EXPECT_EQ(format_values(Tensor::scalar<int64_t>(7)), "7");
  EXPECT_EQ(dump_line(tensor_to_json(Tensor::scalar<int64_t>(7))), "7");
  const Tensor v = Tensor::from_vector<int64_t>({8, 9}, {2});
  EXPECT_EQ(dump_line(row_to_json(v, 1)), "9");
}

}  // namespace
}  // namespace cairn::cli
