// Sequential::inference_model: the steps, weights and names the exporters
// receive reproduce predict() exactly.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "keras/keras_test_util.h"
#include "testing/inference_reference.h"

namespace cairn::keras {
namespace {

cairn::testing::Rows rows_of(const Tensor& x) {
  const int64_t n = x.shape().dim(0), width = x.num_elements() / n;
  cairn::testing::Rows rows(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < width; ++j) rows[i].push_back(x.flat<float>()[i * width + j]);
  }
  return rows;
}

void expect_matches_predict(Sequential& model, const Tensor& x) {
  const InferenceModel m = model.inference_model();
  const Tensor predicted = model.predict(x);
  const auto reference = cairn::testing::reference_outputs(m, rows_of(x));
  ASSERT_EQ(reference.size(), 1u);
  const auto& rows = reference.begin()->second;
  const int64_t width = predicted.shape().dim(1);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (int64_t j = 0; j < width; ++j) {
      EXPECT_NEAR(rows[i][j], predicted.flat<float>()[i * width + j], 1e-5);
    }
  }
}

TEST(KerasInferenceModelTest, DropoutIsLeftOutAndPredictionsMatch) {
  clear_session();  // the names below are the first of each class
  Sequential model = testing::small_classifier();
  auto [x, y] = testing::blobs(60, 3);
  model.fit(x, y, {.epochs = 3, .verbose = 0});
  const InferenceModel m = model.inference_model();
  ASSERT_EQ(m.steps.size(), 2u);  // dense, dense_1: the Dropout is gone
  EXPECT_EQ(m.steps[0].name, "dense");
  EXPECT_EQ(m.steps[0].activation, "relu");
  EXPECT_EQ(m.steps[0].kernel.shape().dims(), (std::vector<int64_t>{4, 16}));
  EXPECT_EQ(m.steps[1].activation, "softmax");
  EXPECT_EQ(m.input_name, "dense_input");
  EXPECT_EQ(m.input_shape, (std::vector<int64_t>{4}));
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].name, "dense_1");
  EXPECT_TRUE(m.feature_names.empty());
  const auto config = nlohmann::json::parse(m.keras_model_config);
  EXPECT_EQ(config["class_name"], "Sequential");
  EXPECT_EQ(config["config"]["layers"].size(), 4u);  // InputLayer, dense, dropout, dense_1
  expect_matches_predict(model, x);
}

TEST(KerasInferenceModelTest, FlattenActivationAndNoBias) {
  set_random_seed(11);
  Sequential model({Flatten({.input_shape = Shape{2, 3}}), Dense(5, {.use_bias = false}),
                    Activation("tanh"), Dense(2, {.activation = "elu"})});
  Tensor x(DType::kFloat32, {7, 2, 3});
  for (size_t i = 0; i < 42; ++i) x.flat<float>()[i] = std::sin(static_cast<float>(i));
  const InferenceModel m = model.inference_model();
  ASSERT_EQ(m.steps.size(), 4u);
  EXPECT_EQ(m.steps[0].kind, InferenceStep::Kind::kFlatten);
  EXPECT_FALSE(m.steps[1].has_bias());
  EXPECT_EQ(m.steps[2].kind, InferenceStep::Kind::kActivation);
  EXPECT_EQ(m.input_width(), 6);
  expect_matches_predict(model, x);
}

TEST(KerasInferenceModelTest, UnbuiltModelIsAFailedPrecondition) {
  Sequential model({Dense(3)});
  EXPECT_THROW(model.inference_model(), FailedPreconditionError);
}

}  // namespace
}  // namespace cairn::keras
