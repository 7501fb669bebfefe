// `cairn predict MODEL --inputs IN.json --json`: named inputs in their own
// shape in, {"outputs": [...]} out, equal to what the library predicts; and
// the errors of a wrong shape, a missing input or a malformed file.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

class PredictInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keras::clear_session();
    keras::set_random_seed(3);
    // Samples of shape (2, 3), as an image or a sequence would be.
    model_ = std::make_unique<keras::Sequential>(
        std::vector<keras::LayerPtr>{keras::Input({2, 3}, "pixels"), keras::Flatten(),
                                     keras::Dense(4, {.activation = "tanh"}), keras::Dense(2)});
    model_->compile({.optimizer = "sgd", .loss = "mse"});
    model_->save(model_path());
  }

  std::string model_path() const { return dir_.path() + "/model.h5"; }

  testing::CommandResult predict(const json& inputs) const {
    const std::string path = dir_.path() + "/in.json";
    std::ofstream(path) << inputs.dump();
    return run_command(cairn_command("predict " + shell_quote(model_path()) + " --inputs " +
                                     shell_quote(path) + " --json"));
  }

  testing::TempDir dir_;
  std::unique_ptr<keras::Sequential> model_;
};

TEST_F(PredictInputsTest, OutputsAreTheLibrarysPredictionsInTheModelsShape) {
  const json samples = {{{0.5, -1, 2}, {0, 0.25, 1}}, {{1, 1, 1}, {-2, 0, 3.5}}};
  auto run = predict({{"inputs", {{"pixels", samples}}}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json out = json::parse(run.out);
  Tensor x(DType::kFloat32, {2, 2, 3});
  int64_t i = 0;
  for (const json& sample : samples) {
    for (const json& row : sample) {
      for (const json& v : row) x.flat<float>()[i++] = v.get<float>();
    }
  }
  const Tensor want = model_->predict(x);
  ASSERT_EQ(out["outputs"].size(), 1u) << run.out;
  const json& y = out["outputs"][0];
  ASSERT_EQ(y.size(), 2u);
  for (int s = 0; s < 2; ++s) {
    ASSERT_EQ(y[s].size(), 2u);
    for (int k = 0; k < 2; ++k) EXPECT_EQ(y[s][k].get<float>(), want.flat<float>()[s * 2 + k]);
  }
}

TEST_F(PredictInputsTest, TheOneInputOfAModelIsTakenWhateverItsName) {
  auto run = predict({{"inputs", {{"input_1", {{{1, 2, 3}, {4, 5, 6}}}}}}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json::parse(run.out)["outputs"][0].size(), 1u);
}

TEST_F(PredictInputsTest, AWrongShapeNamesTheFileTheInputAndTheShapeExpected) {
  auto run = predict({{"inputs", {{"pixels", {{1, 2, 3, 4, 5, 6}}}}}});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("in.json"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("'pixels' has shape [1, 6]"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("expects [samples, 2, 3]"), std::string::npos) << run.err;
}

TEST_F(PredictInputsTest, MalformedFilesAndFlagMixesAreRefused) {
  auto no_inputs = predict({{"pixels", {{{1, 2, 3}, {4, 5, 6}}}}});
  EXPECT_EQ(no_inputs.exit_code, 1);
  EXPECT_NE(no_inputs.err.find("expected {\"inputs\""), std::string::npos) << no_inputs.err;
  auto ragged = predict({{"inputs", {{"pixels", {{{1, 2, 3}, {4, 5}}}}}}});
  EXPECT_EQ(ragged.exit_code, 1);
  EXPECT_NE(ragged.err.find("pixels"), std::string::npos) << ragged.err;
  auto text = predict({{"inputs", {{"pixels", {{{"a", 2, 3}, {4, 5, 6}}}}}}});
  EXPECT_EQ(text.exit_code, 1);
  auto missing = run_command(cairn_command("predict " + shell_quote(model_path()) + " --inputs " +
                                           shell_quote(dir_.path() + "/no.json")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no.json"), std::string::npos) << missing.err;
  auto both = run_command(
      cairn_command("predict " + shell_quote(model_path()) + " --inputs a.json" + " --data b.csv"));
  EXPECT_EQ(both.exit_code, 2);
  auto neither = run_command(cairn_command("predict " + shell_quote(model_path())));
  EXPECT_EQ(neither.exit_code, 2);
}

// A functional model of two inputs and two outputs: each input by its name,
// the outputs in the model's order, equal to the library's; a missing input
// is named; --data, which takes one input, says to use --inputs.
TEST(PredictFunctionalInputsTest, EveryInputByNameAndEveryOutputInOrder) {
  keras::set_random_seed(8);
  keras::KerasTensor title = keras::Input({3}, "title"), body = keras::Input({2, 2}, "body");
  keras::KerasTensor flat = keras::Flatten({.name = "flat"})(body);
  keras::KerasTensor both = keras::Concatenate({.name = "both"})({title, flat});
  keras::KerasTensor p = keras::Dense(1, {.activation = "sigmoid", .name = "p"})(both);
  keras::KerasTensor q = keras::Dense(2, {.name = "q"})(both);
  keras::Model model({title, body}, {p, q}, "two");
  testing::TempDir dir;
  model.save(dir.path() + "/two.h5");
  const json in = json::parse(R"({"inputs": {"body": [[[1, 2], [3, 4]], [[0, -1], [0.5, 2]]],
                                           "title": [[0.1, 0.2, 0.3], [-1, 0, 1]]}})");
  std::ofstream(dir.path() + "/in.json") << in.dump();
  auto run =
      run_command(cairn_command("predict " + shell_quote(dir.path() + "/two.h5") + " --inputs " +
                                shell_quote(dir.path() + "/in.json") + " --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json out = json::parse(run.out)["outputs"];
  ASSERT_EQ(out.size(), 2u) << run.out;
  const Tensor t = Tensor::from_vector<float>({0.1f, 0.2f, 0.3f, -1, 0, 1}, {2, 3});
  const Tensor b = Tensor::from_vector<float>({1, 2, 3, 4, 0, -1, 0.5f, 2}, {2, 2, 2});
  const std::vector<Tensor> want = model.predict({t, b});
  for (size_t k = 0; k < 2; ++k) {
    const int64_t width = want[k].num_elements() / 2;
    for (int64_t s = 0; s < 2; ++s) {
      for (int64_t j = 0; j < width; ++j) {
        EXPECT_EQ(out[k][s][j].get<float>(), want[k].flat<float>()[s * width + j]) << run.out;
      }
    }
  }
  std::ofstream(dir.path() + "/half.json") << R"({"inputs": {"title": [[1, 2, 3]]}})";
  auto half = run_command(cairn_command("predict " + shell_quote(dir.path() + "/two.h5") +
                                        " --inputs " + shell_quote(dir.path() + "/half.json")));
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_NE(half.err.find("body"), std::string::npos) << half.err;
  std::ofstream(dir.path() + "/rows.csv") << "1,2,3,4,5,6,7\n";
  auto rows = run_command(cairn_command("predict " + shell_quote(dir.path() + "/two.h5") +
                                        " --data " + shell_quote(dir.path() + "/rows.csv")));
  EXPECT_EQ(rows.exit_code, 1);
  EXPECT_NE(rows.err.find("--inputs"), std::string::npos) << rows.err;
}

}  // namespace
}  // namespace cairn
