// `cairn export`, end to end: a model trained by `cairn train` (and a Keras
// .h5) exported to each format, run by that format's own runtime
// (onnxruntime-node, @tensorflow/tfjs, cairn's SavedModel loader), with the
// predictions `cairn predict` gives for the model itself.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cairn/core/errors.h"
#include "cairn/io/file_system.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "cairn/serving/saved_model_runner.h"
#include "formats/export/export_test_util.h"

namespace cairn::cli {
namespace {

using cairn::testing::cairn_command;
using cairn::testing::Json;
using cairn::testing::run_command;
using cairn::testing::shell_quote;

const std::string& iris_test_csv() {
  static const std::string path = cairn::testing::project_data_dir() + "/iris_test.csv";
  return path;
}

Json command_json(const std::string& args) {
  auto run = run_command(cairn_command(args));
  EXPECT_EQ(run.exit_code, 0) << args << "\n" << run.err;
  return Json::parse(run.out, nullptr, false);
}

// The Iris test rows as one float32 input, columns in `order`.
Json iris_input(const std::vector<int>& order) {
  auto run = run_command("tail -n +2 " + shell_quote(iris_test_csv()));
  std::vector<float> data;
  int64_t rows = 0;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line); ++rows) {
    std::vector<float> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(std::stof(cell));
    for (int c : order) data.push_back(fields[static_cast<size_t>(c)]);
  }
  return Json{{"dims", {rows, static_cast<int64_t>(order.size())}}, {"data", data}};
}

void expect_rows_near(const Json& got_flat, const Json& want_rows, const std::string& key,
                      const std::string& what) {
  ASSERT_TRUE(want_rows.is_array()) << what;
  size_t k = 0;
  for (const Json& row : want_rows) {
    for (const Json& v : row[key]) {
      ASSERT_LT(k, got_flat.size()) << what;
      EXPECT_NEAR(got_flat[k++].get<double>(), v.get<double>(), 1e-5) << what << " value " << k;
    }
  }
  EXPECT_EQ(k, got_flat.size()) << what;
}

class ExportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_dir_ = dir_.path() + "/iris";
    auto run = run_command(
        cairn_command("train --model-dir " + shell_quote(model_dir_) + " --train " +
                      shell_quote(cairn::testing::project_data_dir() + "/iris_training.csv") +
                      " --steps 300 --seed 3"));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    expected_ = command_json("predict --model-dir " + shell_quote(model_dir_) + " --data " +
                             shell_quote(iris_test_csv()) + " --json");
    ASSERT_EQ(expected_.size(), 30u);
  }
  std::string export_to(const std::string& format, const std::string& out) {
    auto run = run_command(cairn_command("export " + shell_quote(model_dir_) + " --format " +
                                         format + " --out " + shell_quote(out)));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }
  cairn::testing::TempDir dir_;
  std::string model_dir_;
  Json expected_;  // cairn predict --model-dir: [{"class_id", "probabilities"}, ...]
};

TEST_F(ExportCommandTest, SavedModelPredictsWhatTheModelDirectoryPredicts) {
  const std::string out = export_to("saved_model", dir_.path() + "/export");
  EXPECT_NE(out.find("outputs: logits probabilities class_ids"), std::string::npos) << out;
  // The CSV has TensorFlow's Iris header: columns follow the declared order.
  Json got = command_json("predict " + shell_quote(dir_.path() + "/export") + " --data " +
                          shell_quote(iris_test_csv()) + " --json");
  ASSERT_EQ(got.size(), 30u);
  for (size_t r = 0; r < 30; ++r) {
    EXPECT_EQ(got[r]["class_ids"][0], expected_[r]["class_id"]) << "row " << r;
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(got[r]["probabilities"][k].get<double>(),
                  expected_[r]["probabilities"][k].get<double>(), 1e-5);
    }
  }
}

TEST_F(ExportCommandTest, OnnxRuntimePredictsWhatTheModelDirectoryPredicts) {
  export_to("onnx", dir_.path() + "/iris.onnx");
  if (cairn::testing::python_has_modules("onnx")) {
    auto check = run_command(
        "/usr/bin/python3 -c 'import onnx,sys; onnx.checker.check_model("
        "onnx.load(sys.argv[1]), full_check=True)' " +
        shell_quote(dir_.path() + "/iris.onnx"));
    EXPECT_EQ(check.exit_code, 0) << check.err;
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  // `cairn train` gives the model one feature column "x" of the CSV's 4
  // columns, so the concatenated input keeps the CSV's order.
  const std::string input = dir_.path() + "/input.json";
  std::ofstream(input) << Json{{"features", iris_input({0, 1, 2, 3})}}.dump();
  Json got = cairn::testing::run_node_script(
      "onnx_predict.js", shell_quote(dir_.path() + "/iris.onnx") + " " + shell_quote(input));
  expect_rows_near(got["probabilities"]["data"], expected_, "probabilities", "onnx");
  for (size_t r = 0; r < 30; ++r) {
    EXPECT_EQ(got["class_ids"]["data"][r], expected_[r]["class_id"]) << "row " << r;
  }
}

TEST_F(ExportCommandTest, TensorFlowJsPredictsWhatTheModelDirectoryPredicts) {
  export_to("tfjs", dir_.path() + "/web");
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  const std::string input = dir_.path() + "/input.json";
  std::ofstream(input) << iris_input({0, 1, 2, 3}).dump();
  Json got = cairn::testing::run_node_script(
      "tfjs_predict.js", shell_quote(dir_.path() + "/web") + " " + shell_quote(input));
  expect_rows_near(got["data"], expected_, "probabilities", "tfjs");
}

TEST_F(ExportCommandTest, BadRequestsAreOneLineErrors) {
  auto format = run_command(cairn_command("export " + shell_quote(model_dir_) +
                                          " --format pickle --out " + shell_quote(dir_.path())));
  EXPECT_EQ(format.exit_code, 1);
  EXPECT_NE(format.err.find("'pickle' is not one of saved_model, onnx, tfjs"), std::string::npos)
      << format.err;
  auto missing =
      run_command(cairn_command("export " + shell_quote(dir_.path() + "/nothing.h5") +
                                " --format onnx --out " + shell_quote(dir_.path() + "/x.onnx")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;
  export_to("saved_model", dir_.path() + "/sm");
  auto again =
      run_command(cairn_command("export " + shell_quote(dir_.path() + "/sm") +
                                " --format onnx --out " + shell_quote(dir_.path() + "/y.onnx")));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already a SavedModel"), std::string::npos) << again.err;
}

// Finding 8: --out naming the newest checkpoint's .index replaced it by
// rename and the checkpoint was then DAMAGED.
TEST_F(ExportCommandTest, ExportOverTheNewestCheckpointIndexIsRefused) {
  const std::string index = model_dir_ + "/model.ckpt-300.index";
  const std::string before = *default_file_system().read_file(index);
  for (const char* force : {"", " --force"}) {
    auto run = run_command(cairn_command("export " + shell_quote(model_dir_) +
                                         " --format onnx --out " + shell_quote(index) + force));
    EXPECT_EQ(run.exit_code, 1) << force;
    EXPECT_NE(run.err.find(index), std::string::npos) << run.err;
  }
  EXPECT_EQ(*default_file_system().read_file(index), before);
  ASSERT_TRUE(default_file_system().write_file_atomically(dir_.path() + "/notes.txt", "x").ok());
  auto refused =
      run_command(cairn_command("export " + shell_quote(model_dir_) + " --format onnx --out " +
                                shell_quote(dir_.path() + "/notes.txt")));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  auto forced = run_command(cairn_command("export " + shell_quote(model_dir_) +
                                          " --format onnx --force --out " +
                                          shell_quote(dir_.path() + "/notes.txt")));
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

// Finding 10: --out MODEL_DIR put a SavedModel into the model directory, and
// `predict --model-dir` then ran it instead.
TEST_F(ExportCommandTest, ExportIntoTheModelDirectoryIsRefused) {
  for (const std::string& out : {model_dir_, model_dir_ + "/", model_dir_ + "/export"}) {
    auto run =
        run_command(cairn_command("export " + shell_quote(model_dir_) +
                                  " --format saved_model --force --out " + shell_quote(out)));
    EXPECT_EQ(run.exit_code, 1) << out;
    EXPECT_NE(run.err.find("inside it"), std::string::npos) << run.err;
  }
  EXPECT_FALSE(default_file_system().file_exists(model_dir_ + "/saved_model.pb"));
  EXPECT_FALSE(default_file_system().file_exists(model_dir_ + "/export"));
}

// A Keras model: model.save(dir) writes a SavedModel that runs to predict()'s
// values, and `cairn export MODEL.h5` feeds every runtime the same model.
TEST(KerasExportTest, SaveToADirectoryAndExportTheH5) {
  cairn::testing::TempDir dir;
  keras::clear_session();  // the layer names below are the first of each class
  keras::set_random_seed(5);
  keras::Sequential model({keras::Dense(8, {.activation = "tanh", .input_shape = keras::Shape{4}}),
                           keras::Dropout(0.3), keras::Dense(3, {.activation = "softmax"})});
  model.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
  Tensor x(DType::kFloat32, {6, 4});
  for (size_t i = 0; i < 24; ++i) x.flat<float>()[i] = 0.25f * static_cast<float>(i % 7) - 0.5f;
  const Tensor predicted = model.predict(x);

  model.save(dir.path() + "/saved");
  auto loaded = serving::SavedModel::load(dir.path() + "/saved");
  const auto outputs = loaded.run("serving_default", {{"dense_input", x}});
  const Tensor& y = outputs.at("dense_1");
  ASSERT_EQ(y.shape(), predicted.shape());
  for (size_t i = 0; i < 18; ++i) EXPECT_NEAR(y.flat<float>()[i], predicted.flat<float>()[i], 1e-6);
  const Tensor reloaded =
      keras::load_model(dir.path() + "/saved").predict(x);  // assets/saved_model.json
  EXPECT_TRUE(reloaded == predicted);

  model.save(dir.path() + "/model.h5");
  auto run =
      run_command(cairn_command("export " + shell_quote(dir.path() + "/model.h5") +
                                " --format onnx --out " + shell_quote(dir.path() + "/model.onnx")));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  Json input{{"dims", {6, 4}},
             {"data", std::vector<float>(x.flat<float>().begin(), x.flat<float>().end())}};
  std::ofstream(dir.path() + "/input.json") << Json{{"dense_input", input}}.dump();
  Json got = cairn::testing::run_node_script(
      "onnx_predict.js",
      shell_quote(dir.path() + "/model.onnx") + " " + shell_quote(dir.path() + "/input.json"));
  ASSERT_EQ(got["dense_1"]["data"].size(), 18u);
  for (size_t i = 0; i < 18; ++i) {
    EXPECT_NEAR(got["dense_1"]["data"][i].get<double>(), predicted.flat<float>()[i], 1e-5);
  }
}

// A Keras CNN saved as .h5 and exported by `cairn export` to ONNX and TF.js
// (each run by its own runtime), and saved as a SavedModel directory (run by
// cairn's runner): all predict what the model predicts.
TEST(KerasExportTest, CnnH5ExportsToEveryFormat) {
  cairn::testing::TempDir dir;
  keras::clear_session();  // the layer names below are the first of each class
  keras::set_random_seed(6);
  keras::Sequential model(
      {keras::Conv2D(3, {3, 3}, {.activation = "relu", .input_shape = keras::Shape{6, 6, 1}}),
       keras::BatchNormalization(), keras::MaxPooling2D({2, 2}), keras::Flatten(),
       keras::Dense(2, {.activation = "softmax"})});
  Tensor x(DType::kFloat32, {3, 6, 6, 1});
  for (size_t i = 0; i < 108; ++i) x.flat<float>()[i] = 0.1f * static_cast<float>(i % 11) - 0.4f;
  const Tensor predicted = model.predict(x);
  auto expect_predicted = [&](const Json& data, const std::string& what) {
    ASSERT_EQ(data.size(), 6u) << what;
    for (size_t i = 0; i < 6; ++i) {
      EXPECT_NEAR(data[i].get<double>(), predicted.flat<float>()[i], 1e-5) << what;
    }
  };
  model.save(dir.path() + "/saved");
  const Tensor served = serving::SavedModel::load(dir.path() + "/saved")
                            .run("serving_default", {{"conv2d_input", x}})
                            .at("dense");
  expect_predicted(
      Json(std::vector<float>(served.flat<float>().begin(), served.flat<float>().end())),
      "SavedModel runner");

  model.save(dir.path() + "/cnn.h5");
  const Json input{{"dims", {3, 6, 6, 1}},
                   {"data", std::vector<float>(x.flat<float>().begin(), x.flat<float>().end())}};
  std::ofstream(dir.path() + "/onnx_input.json") << Json{{"conv2d_input", input}}.dump();
  std::ofstream(dir.path() + "/tfjs_input.json") << input.dump();
  for (const std::string format : {"onnx", "tfjs"}) {
    const std::string out = dir.path() + "/cnn_" + format;
    auto run = run_command(cairn_command("export " + shell_quote(dir.path() + "/cnn.h5") +
                                         " --format " + format + " --out " + shell_quote(out)));
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  expect_predicted(
      cairn::testing::run_node_script(
          "onnx_predict.js", shell_quote(dir.path() + "/cnn_onnx") + " " +
                                 shell_quote(dir.path() + "/onnx_input.json"))["dense"]["data"],
      "ONNX Runtime");
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  expect_predicted(cairn::testing::run_node_script(
                       "tfjs_predict.js", shell_quote(dir.path() + "/cnn_tfjs") + " " +
                                              shell_quote(dir.path() + "/tfjs_input.json"))["data"],
                   "TensorFlow.js");
}

// A functional model (a merge of two branches) saved as .h5: `cairn export`
// loads it as a keras::Model, and ONNX Runtime predicts what it predicts.
TEST(KerasExportTest, FunctionalH5ExportsToOnnx) {
  cairn::testing::TempDir dir;
  keras::set_random_seed(9);
  keras::KerasTensor a = keras::Input({4}, "a");
  keras::KerasTensor left = keras::Dense(3, {.activation = "tanh", .name = "left"})(a);
  keras::KerasTensor right = keras::Dense(3, {.name = "right"})(a);
  keras::KerasTensor sum = keras::Add({.name = "sum"})({left, right});
  keras::Model model({a}, {keras::Dense(2, {.name = "out"})(sum)}, "branches");
  Tensor x(DType::kFloat32, {3, 4});
  for (size_t i = 0; i < 12; ++i) x.flat<float>()[i] = 0.2f * static_cast<float>(i % 7) - 0.5f;
  const Tensor predicted = model.predict({x})[0];
  model.save(dir.path() + "/branches.h5");
  auto run =
      run_command(cairn_command("export " + shell_quote(dir.path() + "/branches.h5") +
                                " --format onnx --out " + shell_quote(dir.path() + "/onnx")));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  const Json input{{"dims", {3, 4}},
                   {"data", std::vector<float>(x.flat<float>().begin(), x.flat<float>().end())}};
  std::ofstream(dir.path() + "/input.json") << Json{{"a", input}}.dump();
  const Json got = cairn::testing::run_node_script(
      "onnx_predict.js",
      shell_quote(dir.path() + "/onnx") + " " + shell_quote(dir.path() + "/input.json"));
  ASSERT_TRUE(got.is_object() && !got.empty()) << got.dump();
  const Json& data = got.begin().value()["data"];
  ASSERT_EQ(data.size(), 6u) << got.dump();
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(data[i].get<double>(), predicted.flat<float>()[i], 1e-5) << got.dump();
  }
}

}  // namespace
}  // namespace cairn::cli
