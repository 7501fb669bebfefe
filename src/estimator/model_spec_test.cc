// ModelSpec::validate and from_json on specs no model can be built from:
// each is refused, naming the file, the field and its value, before any
// layer allocates (issue 19, findings 2, 3, 4 and 23).
#include "cairn/estimator/model_spec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"

namespace cairn::estimator {
namespace {

const char* kMeta = "dir/model.ckpt-7.meta";

ModelSpec iris_spec() {
  return ModelSpec{
      .feature_columns = {data::numeric_column("x", 4)}, .hidden_units = {10, 10}, .n_classes = 3};
}

// The JSON of iris_spec() with `field` set to `value` (JSON text).
std::string spec_json_with(const std::string& field, const std::string& value) {
  auto doc = nlohmann::ordered_json::parse(iris_spec().to_json());
  doc[field] = nlohmann::ordered_json::parse(value);
  return doc.dump();
}

// The message of the InvalidArgumentError from_json throws for `json`.
std::string refusal(const std::string& json) {
  try {
    ModelSpec::from_json(json, kMeta);
  } catch (const InvalidArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << json;
  return "";
}

bool mentions(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

TEST(ModelSpecTest, ValidSpecRoundTrips) {
  ModelSpec back = ModelSpec::from_json(iris_spec().to_json(), kMeta);
  EXPECT_EQ(back.to_json(), iris_spec().to_json());
}

TEST(ModelSpecTest, NegativeHiddenUnitsInAMetaSpecAreRefusedNamingFieldAndFile) {
  std::string why = refusal(spec_json_with("hidden_units", "[-3, 10]"));
  EXPECT_TRUE(mentions(why, kMeta)) << why;
  EXPECT_TRUE(mentions(why, "hidden_units[0] is -3")) << why;
  EXPECT_TRUE(mentions(refusal(spec_json_with("hidden_units", "[10, 0]")), "hidden_units[1] is 0"));
}

TEST(ModelSpecTest, NegativeFeatureShapeInAMetaSpecIsRefused) {
  std::string why = refusal(spec_json_with("feature_columns", R"([{"key": "x", "shape": -4}])"));
  EXPECT_TRUE(mentions(why, "feature column 'x' shape is -4")) << why;
  EXPECT_TRUE(
      mentions(refusal(spec_json_with("feature_columns", "[]")), "feature_columns is empty"));
  EXPECT_TRUE(mentions(refusal(spec_json_with("feature_columns",
                                              R"([{"key": "x", "shape": 1},
                                                  {"key": "x", "shape": 2}])")),
                       "feature column 'x' appears twice"));
}

TEST(ModelSpecTest, NegativeLabelDimensionOfARegressorIsRefused) {
  auto doc = nlohmann::ordered_json::parse(spec_json_with("label_dimension", "-1"));
  doc["estimator"] = "DNNRegressor";
  std::string why = refusal(doc.dump());
  EXPECT_TRUE(mentions(why, "label_dimension is -1")) << why;
}

TEST(ModelSpecTest, FewerThanTwoClassesAreRefused) {
  EXPECT_TRUE(mentions(refusal(spec_json_with("n_classes", "1")), "n_classes is 1"));
  EXPECT_TRUE(mentions(refusal(spec_json_with("n_classes", "-5")), "n_classes is -5"));
}

TEST(ModelSpecTest, SpecDropoutOfTwoIsRefused) {
  EXPECT_TRUE(mentions(refusal(spec_json_with("dropout", "2.0")), "dropout is 2"));
  EXPECT_TRUE(mentions(refusal(spec_json_with("dropout", "-0.1")), "dropout is -0.1"));
  EXPECT_TRUE(mentions(refusal(spec_json_with("dropout", "1")), "dropout is 1"));
}

TEST(ModelSpecTest, NegativeOrNonFiniteLearningRateIsRefused) {
  EXPECT_TRUE(mentions(refusal(spec_json_with("learning_rate", "-1")), "learning_rate is -1"));
  EXPECT_TRUE(mentions(refusal(spec_json_with("learning_rate", "0")), "learning_rate is 0"));
  ModelSpec nan = iris_spec();
  nan.learning_rate = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(nan.validate(), InvalidArgumentError);
  nan.learning_rate = std::numeric_limits<double>::infinity();
  EXPECT_THROW(nan.validate(), InvalidArgumentError);
}

// Keras-only activations have no single TensorFlow op for the estimator's graph.
TEST(ModelSpecTest, KerasOnlyActivationsAreRefused) {
  std::string why = refusal(spec_json_with("activation", R"("gelu")"));
  EXPECT_TRUE(mentions(why, "activation_fn 'gelu'")) << why;
  ModelSpec tanh = iris_spec();
  tanh.activation = nn::Activation::kTanh;
  EXPECT_NO_THROW(tanh.validate());
}

TEST(ModelSpecTest, FloatOrHugeIntegerSizesAreRefusedNotConverted) {
  EXPECT_TRUE(mentions(refusal(spec_json_with("n_classes", "1e30")), "n_classes is 1e+30"));
  EXPECT_TRUE(mentions(refusal(spec_json_with("hidden_units", "[18446744073709551615]")),
                       "hidden_units[0] is 18446744073709551615, not an integer"));
}

TEST(ModelSpecTest, HugeLayersAreResourceExhaustedNamingLayerAndShape) {
  try {
    ModelSpec::from_json(spec_json_with("hidden_units", "[100000000, 100000000]"), kMeta);
    FAIL() << "accepted";
  } catch (const ResourceExhaustedError& e) {
    EXPECT_TRUE(mentions(e.what(), "dnn/hiddenlayer_0")) << e.what();
    EXPECT_TRUE(mentions(e.what(), "[4, 100000000]")) << e.what();
    EXPECT_TRUE(mentions(e.what(), kMeta)) << e.what();
  }
  EXPECT_THROW(ModelSpec::from_json(spec_json_with("n_classes", "100000000"), kMeta),
               ResourceExhaustedError);
  EXPECT_THROW(ModelSpec::from_json(
                   spec_json_with("feature_columns", R"([{"key": "x", "shape": 9223372036854775807},
                                                {"key": "y", "shape": 9223372036854775807}])"),
                   kMeta),
               ResourceExhaustedError);
}

TEST(ModelSpecTest, DeeplyNestedSpecJsonIsRefusedWithoutOverflowingTheStack) {
  std::string json = iris_spec().to_json();
  const std::string units = "\"hidden_units\":[10,10]";
  ASSERT_NE(json.find(units), std::string::npos) << json;
  json.replace(json.find(units), units.size(),
               "\"hidden_units\":" + std::string(100000, '[') + std::string(100000, ']'));
  std::string why = refusal(json);
  EXPECT_TRUE(mentions(why, "deeper than")) << why.substr(0, 200);
  EXPECT_TRUE(mentions(why, kMeta)) << why.substr(0, 200);
}

TEST(ModelSpecTest, EstimatorConstructorRefusesNegativeHiddenUnits) {
  EXPECT_THROW(DNNClassifier({.feature_columns = {data::numeric_column("x", 4)},
                              .hidden_units = {-3, 10},
                              .n_classes = 3}),
               InvalidArgumentError);
  EXPECT_THROW(DNNClassifier({.feature_columns = {data::numeric_column("x", 4)},
                              .hidden_units = {10},
                              .n_classes = 3,
                              .dropout = 2.0}),
               InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::estimator
