// SavedModels written by TensorFlow (../shared/fixtures), loaded and run:
// TensorFlow Serving's half_plus_two, tf2onnx's linear regression,
// tensorflow-rust's regression model (tags train+serve). TensorFlow 2's
// function-based exports: saved_model_tf2_fixtures_test.cc.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/serving/saved_model_runner.h"
#include "testing/test_util.h"

namespace cairn::serving {
namespace {

class SavedModelFixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixtures = testing::fixtures_dir();
    if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
    dir_ = *fixtures;
  }
  std::string half_plus_two() const {
    return dir_ + "/tf-serving-saved_model_half_plus_two_cpu/00000123";
  }
  std::string dir_;
};

Tensor column(const std::vector<float>& values) {
  return Tensor::from_vector(values, {static_cast<int64_t>(values.size()), 1});
}

void expect_values(const Tensor& t, const std::vector<float>& expected) {
  ASSERT_EQ(t.dtype(), DType::kFloat32);
  ASSERT_EQ(t.num_elements(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(t.flat<float>()[i], expected[i], 1e-5);
}

TEST_F(SavedModelFixturesTest, HalfPlusTwoServingDefaultComputesHalfXPlusTwo) {
  auto model = SavedModel::load(half_plus_two());
  EXPECT_EQ(model.tags(), std::vector<std::string>{"serve"});
  const Signature& sig = model.signature("serving_default");
  EXPECT_EQ(sig.method_name, "tensorflow/serving/predict");
  EXPECT_EQ(sig.inputs.at("x").name, "x:0");
  EXPECT_EQ(sig.inputs.at("x").shape, (std::vector<int64_t>{-1, 1}));
  auto out = model.run("serving_default", {{"x", column({1, 2, 5})}});
  ASSERT_EQ(out.count("y"), 1u);
  EXPECT_EQ(out.at("y").shape(), (TensorShape{3, 1}));
  expect_values(out.at("y"), {2.5f, 3.0f, 4.5f});
}

TEST_F(SavedModelFixturesTest, HalfPlusTwoRegressX2ToY3AddsThree) {
  auto model = SavedModel::load(half_plus_two());
  auto out = model.run("regress_x2_to_y3", {{"inputs", column({0, 4})}});
  expect_values(out.at("outputs"), {3.0f, 5.0f});
}

TEST_F(SavedModelFixturesTest, HalfPlusTwoListsEverySignature) {
  auto model = SavedModel::load(half_plus_two());
  std::vector<std::string> keys;
  for (const auto& s : model.signatures()) keys.push_back(s.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y",
                                            "regress_x_to_y2", "serving_default"}));
  EXPECT_TRUE(model.signature("regress_x_to_y").inputs.at("inputs").unknown_rank);
  EXPECT_EQ(model.signature("regress_x_to_y").inputs.at("inputs").dtype_name, "DT_STRING");
}

TEST_F(SavedModelFixturesTest, TfExampleSignatureNamesTheUnsupportedParseExampleOp) {
  auto model = SavedModel::load(half_plus_two());
  try {
    model.run("regress_x_to_y", {{"inputs", Tensor::from_strings({"not an example"}, {1})}});
    FAIL() << "ParseExample ran";
  } catch (const UnimplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("ParseExample"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("regress_x_to_y"), std::string::npos) << e.what();
  }
}

TEST_F(SavedModelFixturesTest, UnknownSignatureListsTheAvailableOnes) {
  auto model = SavedModel::load(half_plus_two());
  try {
    model.signature("nope");
    FAIL();
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("'serving_default'"), std::string::npos) << e.what();
  }
}

TEST_F(SavedModelFixturesTest, WrongInputNameDtypeOrShapeIsInvalidArgument) {
  auto model = SavedModel::load(half_plus_two());
  EXPECT_THROW(model.run("serving_default", {{"z", column({1})}}), InvalidArgumentError);
  EXPECT_THROW(model.run("serving_default", {{"x", Tensor::from_vector<int64_t>({1}, {1, 1})}}),
               InvalidArgumentError);
  EXPECT_THROW(model.run("serving_default", {{"x", Tensor::from_vector<float>({1, 2}, {1, 2})}}),
               InvalidArgumentError);
}

TEST_F(SavedModelFixturesTest, Tf2OnnxRegressionPredictsWxPlusB) {
  auto model = SavedModel::load(dir_ + "/tf2onnx-regression/saved_model");
  auto out = model.run("serving_default", {{"X", Tensor::from_vector<float>({0, 1, 10}, {3})}});
  expect_values(out.at("pred"), {1.0495254f, 0.2139618f + 1.0495254f, 2.139618f + 1.0495254f});
}

TEST_F(SavedModelFixturesTest, RustRegressionModelLoadsWithServeOfTrainServe) {
  auto model = SavedModel::load(dir_ + "/tensorflow-rust/test_resources/regression-model");
  EXPECT_EQ(model.tags(), (std::vector<std::string>{"train", "serve"}));
  // Its signature also lists the label "y", which y_hat does not need.
  auto out = model.run("tensorflow/serving/regress", {{"x", column({1, 2})}});
  expect_values(out.at("out"), {-0.8578622f, -1.7157244f});
}

TEST_F(SavedModelFixturesTest, MissingTagSetIsNotFoundNamingTheTagSets) {
  try {
    SavedModel::load(half_plus_two(), {"train"});
    FAIL();
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("saved_model.pb"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'serve'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cairn::serving
