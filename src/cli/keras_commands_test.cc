// `cairn summary MODEL` and `cairn predict MODEL --data CSV --json` on
// Keras-written models from ../shared/fixtures and on our own, with an
// independent forward pass (h5py + NumPy, src/keras/testdata/h5_forward.py)
// as the reference for every prediction.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/keras/layers/dense.h"
#include "cairn/keras/sequential.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

std::string iris_test() { return testing::project_data_dir() + "/iris_test.csv"; }

// The outputs h5_forward.py computes for `model` on the Iris test rows.
json independent_outputs(const std::string& model) {
  auto run = run_command(
      "/usr/bin/python3 " +
      shell_quote(std::string(CAIRN_SOURCE_DIR) + "/src/keras/saving/testdata/h5_forward.py") +
      " " + shell_quote(model) + " " + shell_quote(iris_test()));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return json::parse(run.out);
}

class KerasCommandsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    fixtures_ = testing::fixtures_dir();
    if (!fixtures_) GTEST_SKIP() << testing::kNoSharedMessage;
    if (!testing::python_has_modules("h5py numpy"))
      GTEST_SKIP() << "/usr/bin/python3 lacks h5py/numpy";
  }
  std::optional<std::string> fixtures_;
};

TEST_P(KerasCommandsTest, PredictEqualsAnIndependentForwardPass) {
  const std::string model = *fixtures_ + "/" + GetParam();
  auto run = run_command(cairn_command("predict " + shell_quote(model) + " --data " +
                                       shell_quote(iris_test()) + " --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json ours = json::parse(run.out), reference = independent_outputs(model);
  ASSERT_EQ(ours.size(), 30u);
  ASSERT_EQ(reference.size(), 30u);
  for (size_t i = 0; i < 30; ++i) {
    const json& row = ours[i];
    ASSERT_TRUE(row.contains("probabilities")) << row.dump();
    size_t best = 0;
    for (size_t j = 0; j < 3; ++j) {
      const double expected = reference[i][j];
      EXPECT_NEAR(row["probabilities"][j].get<double>(), expected, 1e-5 + 1e-5 * std::abs(expected))
          << GetParam() << " row " << i;
      if (expected > reference[i][best].get<double>()) best = j;
    }
    EXPECT_EQ(row["class_id"], best);
  }
  auto summary = run_command(cairn_command("summary " + shell_quote(model)));
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("Total params: "), std::string::npos) << summary.out;
}

INSTANTIATE_TEST_SUITE_P(KerasWrittenModels, KerasCommandsTest,
                         ::testing::Values("keras-iris-martinrep/iris_model.h5",
                                           "keras-iris-thisaramanohara/iris.model",
                                           "keras214-iris-ahmedraza/iris_model.h5",
                                           "keras3-iris-nojan/iris_model.h5"));

TEST(KerasCommandsOwnModelsTest, RegressionOutputsAndSoftmaxClasses) {
  testing::TempDir dir;
  keras::set_random_seed(5);
  keras::Sequential regressor({keras::Dense(2, {.input_shape = keras::Shape{4}})});
  regressor.compile({.optimizer = "sgd", .loss = "mse"});
  regressor.save(dir.path() + "/regressor.h5");
  auto run = run_command(cairn_command("predict " + shell_quote(dir.path() + "/regressor.h5") +
                                       " --data " + shell_quote(iris_test()) + " --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json rows = json::parse(run.out);
  ASSERT_EQ(rows.size(), 30u);
  ASSERT_TRUE(rows[0].contains("outputs")) << rows[0].dump();
  Tensor x(DType::kFloat32, {1, 4});
  const std::vector<float> first{5.9f, 3.0f, 4.2f, 1.5f};  // the first row of iris_test.csv
  std::copy(first.begin(), first.end(), x.flat<float>().begin());
  const Tensor expected = regressor.predict(x);
  EXPECT_FLOAT_EQ(rows[0]["outputs"][0].get<float>(), expected.flat<float>()[0]);
  EXPECT_FLOAT_EQ(rows[0]["outputs"][1].get<float>(), expected.flat<float>()[1]);
  auto text = run_command(cairn_command("predict " + shell_quote(dir.path() + "/regressor.h5") +
                                        " --data " + shell_quote(iris_test())));
  EXPECT_EQ(std::count(text.out.begin(), text.out.end(), '\n'), 30) << text.out;
  auto summary = run_command(cairn_command("summary " + shell_quote(dir.path() + "/regressor.h5")));
  EXPECT_NE(summary.out.find("Total params: 10"), std::string::npos) << summary.out;
}

// The GRU fixture is a functional Model (its GRU takes an initial state as a
// second input): `cairn summary` shows its graph and `cairn predict --inputs`
// gives what its source states for the state 10 over [1, 0, 0].
TEST(KerasCommandsTest, FunctionalGruFixtureSummarizesAndPredicts) {
  auto fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string model =
      shell_quote(*fixtures + "/frugally-deep-gru-toy/test/stateful_test/temp_stateless.h5");
  auto summary = run_command(cairn_command("summary " + model));
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("gru (GRU)"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("input_1[0][0]"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("input_2[0][0]"), std::string::npos) << summary.out;
  testing::TempDir dir;
  std::ofstream(dir.path() + "/in.json")
      << R"({"inputs": {"input_1": [[[1], [0], [0]]], "input_2": [[10]]}})";
  auto run = run_command(cairn_command("predict " + model + " --inputs " +
                                       shell_quote(dir.path() + "/in.json") + " --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto out = nlohmann::json::parse(run.out)["outputs"][0][0];
  const float expected[] = {-7.676248f, -7.5144324f, -7.3429837f};
  ASSERT_EQ(out.size(), 3u) << run.out;
  for (int t = 0; t < 3; ++t) EXPECT_NEAR(out[t][0].get<float>(), expected[t], 1e-5f) << run.out;
}

TEST(KerasCommandsErrorsTest, MissingAndCorruptFilesAreClearErrors) {
  testing::TempDir dir;
  auto missing = run_command(cairn_command("summary " + shell_quote(dir.path() + "/none.h5")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("none.h5"), std::string::npos) << missing.err;
  auto garbage = run_command("printf 'not hdf5' > " + shell_quote(dir.path() + "/bad.h5") + " && " +
                             cairn_command("predict " + shell_quote(dir.path() + "/bad.h5") +
                                           " --data " + shell_quote(iris_test())));
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("bad.h5"), std::string::npos) << garbage.err;
  auto both = run_command(cairn_command("predict x.h5 --model-dir y --data z.csv"));
  EXPECT_NE(both.exit_code, 0);
}

}  // namespace
}  // namespace cairn
