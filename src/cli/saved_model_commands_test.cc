// `cairn saved_model show|run` and `cairn predict SAVED_MODEL_DIR`, run as
// the built command on TensorFlow-written SavedModels (../shared/fixtures)
// and on one cairn exports here: saved_model_cli's output format, JSON in
// and out, CSV columns mapped to inputs, one-line errors with exit status 1.
#include <gtest/gtest.h>

#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/serving/saved_model_runner.h"
#include "cli/json_tensor.h"
#include "testing/test_util.h"

namespace cairn::cli {
namespace {

using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

class SavedModelCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixtures = testing::fixtures_dir();
    if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
    half_ = shell_quote(*fixtures + "/tf-serving-saved_model_half_plus_two_cpu/00000123");
    tfjs_ = shell_quote(*fixtures + "/tfjs-node-saved-models/times_three_float");
    int64_ = shell_quote(*fixtures + "/tfjs-node-saved-models/int64_multiply");
    titanic_ = shell_quote(*fixtures + "/titanic-keras-tf21/saved_model");
  }
  std::string half_, tfjs_, int64_, titanic_;
};

TEST_F(SavedModelCommandsTest, ShowListsTagSets) {
  auto run = run_command(cairn_command("saved_model show --dir " + half_));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "The given SavedModel contains the following tag-sets:\n'serve'\n");
}

TEST_F(SavedModelCommandsTest, ShowTagSetListsSignatureKeys) {
  auto run = run_command(cairn_command("saved_model show --dir " + half_ + " --tag_set serve"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n"
            "SignatureDef key: \"classify_x_to_y\"\n"
            "SignatureDef key: \"regress_x2_to_y3\"\n"
            "SignatureDef key: \"regress_x_to_y\"\n"
            "SignatureDef key: \"regress_x_to_y2\"\n"
            "SignatureDef key: \"serving_default\"\n");
}

TEST_F(SavedModelCommandsTest, ShowSignatureDefPrintsLikeSavedModelCli) {
  auto run = run_command(cairn_command("saved_model show --dir " + half_ +
                                       " --tag_set serve --signature_def regress_x_to_y"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "The given SavedModel SignatureDef contains the following input(s):\n"
            "  inputs['inputs'] tensor_info:\n"
            "      dtype: DT_STRING\n"
            "      shape: unknown_rank\n"
            "      name: tf_example:0\n"
            "The given SavedModel SignatureDef contains the following output(s):\n"
            "  outputs['outputs'] tensor_info:\n"
            "      dtype: DT_FLOAT\n"
            "      shape: (-1, 1)\n"
            "      name: y:0\n"
            "Method name is: tensorflow/serving/regress\n");
}

TEST_F(SavedModelCommandsTest, ShowAllWorksOnTensorFlow2Models) {
  auto run = run_command(cairn_command("saved_model show --dir " + tfjs_ + " --all"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\nMetaGraphDef with tag-set: 'serve' contains the following "
                         "SignatureDefs:\n\nsignature_def['__saved_model_init_op']:\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("\nsignature_def['serving_default']:\n  The given SavedModel "
                         "SignatureDef contains the following input(s):\n    inputs['x'] "
                         "tensor_info:\n        dtype: DT_FLOAT\n        shape: ()\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("        name: StatefulPartitionedCall:0\n"), std::string::npos);
}

TEST_F(SavedModelCommandsTest, RunPrintsOutputsAsJson) {
  auto run = run_command(
      cairn_command("saved_model run --dir " + half_ + " --input 'x=[[1], [2.0], [-4]]'"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"y\":[[2.5],[3.0],[0.0]]}\n");
  auto alias = run_command(cairn_command("saved_model run --dir " + half_ +
                                         " --signature regress_x2_to_y3 --input 'inputs=[[1]]'"));
  ASSERT_EQ(alias.exit_code, 0) << alias.err;
  EXPECT_EQ(alias.out, "{\"outputs\":[[3.5]]}\n");
}

TEST_F(SavedModelCommandsTest, RunFailuresAreOneLineAndExitOne) {
  for (const std::string& args : std::vector<std::string>{
           "--dir " + tfjs_ + " --input 'x=[2.0]'", "--dir " + half_ + " --input 'x=[[1], 2]'",
           "--dir " + half_ + " --input 'x=[[nope'", "--dir " + half_ + " --input z=1",
           "--dir " + half_ + " --signature_def nope --input x=1",
           std::string("--dir /nonexistent")}) {
    auto run = run_command(cairn_command("saved_model run " + args));
    EXPECT_EQ(run.exit_code, 1) << args << "\n" << run.out << run.err;
    EXPECT_EQ(run.err.find("cairn saved_model run: "), 0u) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << run.err;
  }
  auto tf2 = run_command(cairn_command("saved_model run --dir " + tfjs_ + " --input 'x=[2.0]'"));
  EXPECT_NE(tf2.err.find("input 'x' has shape [1], the signature expects []"), std::string::npos)
      << tf2.err;
}

TEST_F(SavedModelCommandsTest, RunRunsTensorFlow2Models) {
  auto times_three =
      run_command(cairn_command("saved_model run --dir " + tfjs_ + " --input x=2.5"));
  ASSERT_EQ(times_three.exit_code, 0) << times_three.err;
  EXPECT_EQ(times_three.out, "{\"output_0\":7.5}\n");
  auto multiply =
      run_command(cairn_command("saved_model run --dir " + int64_ + " --input 'x=[1, -7]'"));
  ASSERT_EQ(multiply.exit_code, 0) << multiply.err;
  EXPECT_EQ(multiply.out, "{\"output_0\":[6,-42]}\n");
  // The Titanic Keras model: sigmoid(relu(relu(x W0 + b0) W2 + b2) W4 + b4)
  // of a zero row, from its weights read by tfckpt.py and numpy.
  std::string zeros = "0";
  for (int i = 1; i < 18; ++i) zeros += ",0";
  auto titanic = run_command(
      cairn_command("saved_model run --dir " + titanic_ + " --input 'input_1=[[" + zeros + "]]'"));
  ASSERT_EQ(titanic.exit_code, 0) << titanic.err;
  auto doc = nlohmann::json::parse(titanic.out);
  EXPECT_NEAR(doc["output_1"][0][0].get<double>(), 0.43609172, 1e-5) << titanic.out;
}

TEST_F(SavedModelCommandsTest, PredictFeedsASingleInputFromCsvColumns) {
  testing::TempDir dir;
  ASSERT_TRUE(default_file_system().write_file_atomically(dir.path() + "/x.csv", "x\n1\n2\n").ok());
  auto run = run_command(
      cairn_command("predict " + half_ + " --data " + shell_quote(dir.path() + "/x.csv")));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"y\":[2.5]}\n{\"y\":[3.0]}\n");
}

// The CSV goes through data/'s reader, as for the Estimator and Keras predict
// commands: a byte order mark, "\r\n" and blank lines are accepted, and a
// bad field is named by line and column.
TEST_F(SavedModelCommandsTest, PredictReadsCsvLikeEveryPredictCommand) {
  testing::TempDir dir;
  const std::string odd = dir.path() + "/odd.csv";
  ASSERT_TRUE(
      default_file_system().write_file_atomically(odd, "\xEF\xBB\xBFx\r\n1\r\n\r\n 2 \r\n").ok());
  auto run = run_command(cairn_command("predict " + half_ + " --data " + shell_quote(odd)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"y\":[2.5]}\n{\"y\":[3.0]}\n");

  const std::string bad = dir.path() + "/bad.csv";
  ASSERT_TRUE(default_file_system().write_file_atomically(bad, "x\n1\n\"2\"\n").ok());
  auto refused = run_command(cairn_command("predict " + half_ + " --data " + shell_quote(bad)));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find(bad + ":3: column 1 (x): '\"2\"' is not a number"), std::string::npos)
      << refused.err;

  const std::string empty = dir.path() + "/empty.csv";
  ASSERT_TRUE(default_file_system().write_file_atomically(empty, "x\n").ok());
  auto none = run_command(cairn_command("predict " + half_ + " --data " + shell_quote(empty)));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("has a header but no data rows"), std::string::npos) << none.err;
}

// A cairn export with features "a" (2 wide) and "b": predict maps the CSV's
// header to the inputs and prints what the SavedModel computes.
TEST(SavedModelPredictTest, PredictMapsHeaderColumnsToEstimatorFeatures) {
  testing::TempDir dir;
  InferenceModel m;
  m.input_shape = {3};
  m.feature_names = {"a", "b"};
  m.feature_widths = {2, 1};
  m.steps = {{.name = "dnn/logits",
              .kernel = Tensor::from_vector<float>({1, 0, 0, 1, 0.5f, -0.5f}, {3, 2}),
              .bias = Tensor::from_vector<float>({0.1f, 0}, {2})}};
  m.outputs = {{"class_ids", InferenceOutput::Kind::kClassIds},
               {"probabilities", InferenceOutput::Kind::kProbabilities}};
  const std::string export_dir = dir.path() + "/export";
  ASSERT_TRUE(write_saved_model(default_file_system(), export_dir, m).ok());
  ASSERT_TRUE(
      default_file_system()
          .write_file_atomically(dir.path() + "/rows.csv", "b,a_0,a_1,label\n1,2,3,0\n-4,1,0,1\n")
          .ok());
  auto run = run_command(cairn_command("predict " + shell_quote(export_dir) + " --data " +
                                       shell_quote(dir.path() + "/rows.csv") + " --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  auto model = serving::SavedModel::load(export_dir);
  auto out = model.run("serving_default", {{"a", Tensor::from_vector<float>({2, 3, 1, 0}, {2, 2})},
                                           {"b", Tensor::from_vector<float>({1, -4}, {2, 1})}});
  ordered_json rows = ordered_json::array();
  for (int64_t r = 0; r < 2; ++r) {
    rows.push_back({{"class_ids", row_to_json(out.at("class_ids"), r)},
                    {"probabilities", row_to_json(out.at("probabilities"), r)}});
  }
  EXPECT_EQ(run.out, dump_line(rows) + "\n");
  EXPECT_EQ(rows[0]["class_ids"][0], 0);  // logits [2.6, 2.5]
  EXPECT_EQ(rows[1]["class_ids"][0], 1);  // logits [-0.9, 2]
}

// Without a header, an Estimator export's declared column order lays out the
// rows; a SavedModel of several inputs that declares none is refused rather
// than fed by guessing.
TEST(SavedModelPredictTest, HeaderlessRowsFollowTheDeclaredColumnOrder) {
  testing::TempDir dir;
  InferenceModel m;
  m.input_shape = {3};
  m.feature_names = {"a", "b"};
  m.feature_widths = {2, 1};
  m.steps = {{.name = "logits",
              .kernel = Tensor::from_vector<float>({1, 0, 0, 1, 0.5f, -0.5f}, {3, 2}),
              .bias = Tensor::from_vector<float>({0.1f, 0}, {2})}};
  m.outputs = {{"logits", InferenceOutput::Kind::kLogits}};
  const std::string csv = dir.path() + "/rows.csv";
  ASSERT_TRUE(default_file_system().write_file_atomically(csv, "1,2,3\n").ok());

  const std::string undeclared = dir.path() + "/undeclared";
  ASSERT_TRUE(write_saved_model(default_file_system(), undeclared, m).ok());
  auto refused = run_command(cairn_command("predict " + shell_quote(undeclared) + " --data " +
                                           shell_quote(csv) + " --json"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("header"), std::string::npos) << refused.err;

  m.column_order = {"b", "a"};  // the CSV holds b, then a's two values
  const std::string declared = dir.path() + "/declared";
  ASSERT_TRUE(write_saved_model(default_file_system(), declared, m).ok());
  EXPECT_EQ(serving::SavedModel::load(declared).feature_columns(),
            (std::vector<std::string>{"b", "a"}));
  auto run = run_command(cairn_command("predict " + shell_quote(declared) + " --data " +
                                       shell_quote(csv) + " --json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // a = [2, 3], b = 1: logits = [2 + 0.5 + 0.1, 3 - 0.5] = [2.6, 2.5]
  EXPECT_EQ(run.out, "[{\"logits\":[2.6,2.5]}]\n");
}

}  // namespace
}  // namespace cairn::cli
