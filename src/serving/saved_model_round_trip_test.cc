// write_saved_model then SavedModel::load + run, compared with a plain
// forward pass computed here: dense stacks, an Estimator-like model with two
// features and a classifier head, a binary head and a Flatten step.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "cairn/core/errors.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/serving/saved_model_runner.h"
#include "testing/test_util.h"

namespace cairn::serving {
namespace {

using Matrix = std::vector<std::vector<float>>;
using Kind = InferenceOutput::Kind;

Tensor random_tensor(std::mt19937& rng, TensorShape shape) {
  std::normal_distribution<float> normal(0.0f, 0.7f);
  Tensor t(DType::kFloat32, std::move(shape));
  for (float& v : t.flat<float>()) v = normal(rng);
  return t;
}

InferenceStep dense(std::mt19937& rng, const std::string& name, int64_t in, int64_t units,
                    const std::string& activation) {
  return {.kind = InferenceStep::Kind::kDense,
          .name = name,
          .kernel = random_tensor(rng, {in, units}),
          .bias = random_tensor(rng, {units}),
          .activation = activation};
}

Matrix rows_of(const Tensor& t) {
  const int64_t rows = t.shape().dim(0), width = t.num_elements() / rows;
  Matrix out(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < width; ++c) out[r].push_back(t.flat<float>()[r * width + c]);
  }
  return out;
}

void activate(std::vector<float>& row, const std::string& activation) {
  float sum = 0, top = *std::max_element(row.begin(), row.end());
  for (float& v : row) {
    if (activation == "relu") v = std::max(v, 0.0f);
    if (activation == "tanh") v = std::tanh(v);
    if (activation == "sigmoid") v = 1 / (1 + std::exp(-v));
    if (activation == "elu") v = v < 0 ? std::expm1(v) : v;
    if (activation == "softmax") sum += (v = std::exp(v - top));
  }
  if (activation == "softmax") {
    for (float& v : row) v /= sum;
  }
}

// The model's last step output, one row per example (flattened input).
Matrix forward(const InferenceModel& m, Matrix x) {
  for (const InferenceStep& s : m.steps) {
    for (auto& row : x) {
      if (s.kind == InferenceStep::Kind::kDense) {
        const int64_t units = s.kernel.shape().dim(1);
        std::vector<float> y(static_cast<size_t>(units));
        for (int64_t j = 0; j < units; ++j) {
          y[j] = s.has_bias() ? s.bias.flat<float>()[j] : 0.0f;
          for (size_t i = 0; i < row.size(); ++i)
            y[j] += row[i] * s.kernel.flat<float>()[i * units + j];
        }
        row = y;
      }
      if (s.kind != InferenceStep::Kind::kFlatten) activate(row, s.activation);
    }
  }
  return x;
}

void expect_near(const Tensor& got, const Matrix& want) {
  ASSERT_EQ(got.dtype(), DType::kFloat32);
  Matrix rows = rows_of(got);
  ASSERT_EQ(rows.size(), want.size());
  for (size_t r = 0; r < want.size(); ++r) {
    ASSERT_EQ(rows[r].size(), want[r].size());
    for (size_t c = 0; c < want[r].size(); ++c) EXPECT_NEAR(rows[r][c], want[r][c], 1e-5) << r;
  }
}

class SavedModelRoundTripTest : public ::testing::Test {
 protected:
  SavedModel export_and_load(const InferenceModel& m) {
    Status s = write_saved_model(default_file_system(), dir_.path() + "/export", m);
    EXPECT_TRUE(s.ok()) << s.to_string();
    return SavedModel::load(dir_.path() + "/export");
  }
  testing::TempDir dir_;
  std::mt19937 rng_{7};
};

TEST_F(SavedModelRoundTripTest, DenseStackWithReluTanhSoftmaxMatchesForwardPass) {
  InferenceModel m;
  m.input_name = "dense_input";
  m.input_shape = {4};
  m.steps = {dense(rng_, "dense", 4, 8, "relu"), dense(rng_, "dense_1", 8, 6, "tanh"),
             dense(rng_, "dense_2", 6, 3, "softmax")};
  m.outputs = {{"dense_2", Kind::kActivations}};
  Tensor x = random_tensor(rng_, {5, 4});
  auto model = export_and_load(m);
  const Signature& sig = model.signature("serving_default");
  EXPECT_EQ(sig.inputs.at("dense_input").shape, (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(sig.outputs.at("dense_2").shape, (std::vector<int64_t>{-1, 3}));
  auto out = model.run("serving_default", {{"dense_input", x}});
  expect_near(out.at("dense_2"), forward(m, rows_of(x)));
}

TEST_F(SavedModelRoundTripTest, EstimatorFeaturesFeedOneInputEachAndHeadOutputsMatch) {
  InferenceModel m;
  m.name = "dnn";
  m.input_shape = {3};
  m.feature_names = {"a", "b"};
  m.feature_widths = {2, 1};
  m.steps = {dense(rng_, "dnn/hiddenlayer_0", 3, 5, "relu"),
             dense(rng_, "dnn/logits", 5, 3, "linear")};
  m.outputs = {{"logits", Kind::kLogits},
               {"probabilities", Kind::kProbabilities},
               {"class_ids", Kind::kClassIds}};
  Tensor a = random_tensor(rng_, {4, 2}), b = random_tensor(rng_, {4, 1});
  auto model = export_and_load(m);
  auto out = model.run("serving_default", {{"a", a}, {"b", b}});
  Matrix x = rows_of(a);
  for (size_t r = 0; r < x.size(); ++r) x[r].push_back(b.flat<float>()[r]);
  Matrix logits = forward(m, x), probabilities = logits;
  for (auto& row : probabilities) activate(row, "softmax");
  expect_near(out.at("logits"), logits);
  expect_near(out.at("probabilities"), probabilities);
  const Tensor& ids = out.at("class_ids");
  ASSERT_EQ(ids.dtype(), DType::kInt64);
  ASSERT_EQ(ids.shape(), (TensorShape{4, 1}));
  for (size_t r = 0; r < logits.size(); ++r) {
    auto best = std::max_element(logits[r].begin(), logits[r].end()) - logits[r].begin();
    EXPECT_EQ(ids.flat<int64_t>()[r], best);
  }
}

TEST_F(SavedModelRoundTripTest, BinaryHeadGivesLogisticTwoClassProbabilitiesAndSignOfLogit) {
  InferenceModel m;
  m.input_shape = {3};
  m.steps = {dense(rng_, "dense", 3, 4, "elu"), dense(rng_, "logits", 4, 1, "linear")};
  m.binary_head = true;
  m.outputs = {{"logistic", Kind::kLogistic},
               {"probabilities", Kind::kProbabilities},
               {"class_ids", Kind::kClassIds}};
  Tensor x = random_tensor(rng_, {8, 3});
  auto out = export_and_load(m).run("serving_default", {{"input", x}});
  Matrix logits = forward(m, rows_of(x)), logistic = logits, probabilities;
  for (auto& row : logistic) activate(row, "sigmoid");
  for (const auto& row : logistic) probabilities.push_back({1 - row[0], row[0]});
  expect_near(out.at("logistic"), logistic);
  expect_near(out.at("probabilities"), probabilities);
  for (size_t r = 0; r < logits.size(); ++r) {
    EXPECT_EQ(out.at("class_ids").flat<int64_t>()[r], logits[r][0] > 0 ? 1 : 0);
  }
}

TEST_F(SavedModelRoundTripTest, FlattenStepReshapesTheInput) {
  InferenceModel m;
  m.input_name = "flatten_input";
  m.input_shape = {2, 3};
  m.steps = {
      {.kind = InferenceStep::Kind::kFlatten, .name = "flatten"},
      dense(rng_, "dense", 6, 4, "sigmoid"),
      {.kind = InferenceStep::Kind::kActivation, .name = "activation", .activation = "relu"}};
  m.outputs = {{"activation", Kind::kActivations}};
  Tensor x = random_tensor(rng_, {3, 2, 3});
  auto model = export_and_load(m);
  EXPECT_EQ(model.signature("serving_default").inputs.at("flatten_input").shape,
            (std::vector<int64_t>{-1, 2, 3}));
  auto out = model.run("serving_default", {{"flatten_input", x}});
  expect_near(out.at("activation"), forward(m, rows_of(x)));
}

TEST_F(SavedModelRoundTripTest, OverwritingAnExportReplacesIt) {
  InferenceModel m;
  m.input_shape = {2};
  m.steps = {dense(rng_, "dense", 2, 2, "linear")};
  m.outputs = {{"y", Kind::kActivations}};
  export_and_load(m);
  m.steps[0] = dense(rng_, "dense", 2, 2, "linear");
  Tensor x = random_tensor(rng_, {2, 2});
  auto out = export_and_load(m).run("serving_default", {{"input", x}});
  expect_near(out.at("y"), forward(m, rows_of(x)));
}

TEST_F(SavedModelRoundTripTest, InconsistentModelIsRefusedBeforeAnyFileIsWritten) {
  InferenceModel m;
  m.input_shape = {3};
  m.steps = {dense(rng_, "dense", 4, 2, "relu")};  // kernel rows != input width
  m.outputs = {{"y", Kind::kActivations}};
  Status s = write_saved_model(default_file_system(), dir_.path() + "/bad", m);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
  EXPECT_FALSE(default_file_system().file_exists(dir_.path() + "/bad/saved_model.pb"));
}

}  // namespace
}  // namespace cairn::serving
