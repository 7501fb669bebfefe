// TensorFlow 2 SavedModels (../shared/fixtures) run through their function
// libraries and object graphs: tfjs-node's times_three_float (TF 2.0.0-beta1,
// 3 * x with a float variable) and int64_multiply (TF 2.3.1, x * v1 * v2
// with int64 variables 3 and 2), and the Titanic Keras model (TF 2.1,
// Dense(70)-Dropout-Dense(25)-Dropout-Dense(1), relu, relu, sigmoid).
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/serving/saved_model_runner.h"
#include "testing/test_util.h"

namespace cairn::serving {
namespace {

class SavedModelTf2FixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixtures = testing::fixtures_dir();
    if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
    dir_ = *fixtures;
  }
  std::string tfjs(const std::string& name) const {
    return dir_ + "/tfjs-node-saved-models/" + name;
  }
  std::string titanic() const { return dir_ + "/titanic-keras-tf21/saved_model"; }
  std::string dir_;
};

TEST_F(SavedModelTf2FixturesTest, TimesThreeFloatMultipliesByItsVariable) {
  auto model = SavedModel::load(tfjs("times_three_float"));
  const Signature& sig = model.signature("serving_default");
  EXPECT_EQ(sig.inputs.at("x").name, "serving_default_x:0");
  EXPECT_EQ(sig.outputs.at("output_0").name, "StatefulPartitionedCall:0");
  EXPECT_EQ(sig.function, "__inference_signature_wrapper_32");
  auto out = model.run("serving_default", {{"x", Tensor::scalar<float>(2.5f)}});
  EXPECT_EQ(out.at("output_0"), Tensor::scalar<float>(7.5f));
}

TEST_F(SavedModelTf2FixturesTest, Int64MultiplyMultipliesByBothVariables) {
  auto model = SavedModel::load(tfjs("int64_multiply"));
  EXPECT_EQ(model.signature("serving_default").inputs.at("x").dtype, DType::kInt64);
  auto x = Tensor::from_vector<int64_t>({1, -7}, {2});
  auto out = model.run("serving_default", {{"x", x}});
  EXPECT_EQ(out.at("output_0"), Tensor::from_vector<int64_t>({6, -42}, {2}));
}

TEST_F(SavedModelTf2FixturesTest, SignatureInputsAreCheckedNamingTheInput) {
  auto model = SavedModel::load(tfjs("int64_multiply"));
  auto message = [&](const Tensor& x) -> std::string {
    try {
      model.run("serving_default", {{"x", x}});
    } catch (const InvalidArgumentError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message(Tensor::from_vector<float>({1, 2}, {2})).find("input 'x' must be int64"),
            std::string::npos);
  EXPECT_NE(message(Tensor::from_vector<int64_t>({1, 2}, {1, 2})).find("input 'x' has shape"),
            std::string::npos);
}

// The expected values come from the bundle's weights, read by
// /work/shared/tools/tfckpt.py and computed with numpy:
// sigmoid(relu(relu(x W0 + b0) W2 + b2) W4 + b4).
TEST_F(SavedModelTf2FixturesTest, TitanicKerasModelPredictsFromItsRestoredWeights) {
  auto model = SavedModel::load(titanic());
  const Signature& sig = model.signature("serving_default");
  EXPECT_EQ(sig.inputs.at("input_1").shape, (std::vector<int64_t>{-1, 18}));
  std::vector<float> x(3 * 18);
  for (int i = 0; i < 18; ++i) {
    x[static_cast<size_t>(18 + i)] = 0.5f;
    x[static_cast<size_t>(36 + i)] = static_cast<float>(i) / 18.0f;
  }
  auto out = model.run("serving_default", {{"input_1", Tensor::from_vector(x, {3, 18})}});
  const Tensor& y = out.at("output_1");
  ASSERT_EQ(y.shape(), (TensorShape{3, 1}));
  const float expected[] = {0.43609172f, 0.26619315f, 0.56074315f};
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(y.flat<float>()[i], expected[i], 1e-5) << i;
}

TEST_F(SavedModelTf2FixturesTest, RunsAreRepeatableAndVariablesStayRestored) {
  auto model = SavedModel::load(tfjs("times_three_float"));
  for (float x : {1.0f, -2.0f}) {
    EXPECT_EQ(model.run("serving_default", {{"x", Tensor::scalar<float>(x)}}).at("output_0"),
              Tensor::scalar<float>(3 * x));
  }
}

}  // namespace
}  // namespace cairn::serving
