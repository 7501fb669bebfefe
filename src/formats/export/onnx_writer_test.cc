// write_onnx_model: models with random weights exported to ONNX, checked by
// ONNX's own checker (python3-onnx) and run in onnxruntime (Node.js), whose
// outputs must match a double-precision reference forward pass.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "cairn/formats/export/onnx_model.h"
#include "cairn/io/memory_file_system.h"
#include "formats/export/export_test_util.h"

namespace cairn {
namespace {

using testing::Json;
using Kind = InferenceOutput::Kind;

constexpr int64_t kOnnxBatch = 7;
constexpr double kOnnxTolerance = 1e-5;

// Loads `path` with the onnx package, runs the full checker, and returns
// what it read back: {ir_version, opsets, producer, metadata, inputs, outputs}.
Json check_with_onnx_package(const std::string& path) {
  const char* script = R"(
import json, sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
def dims(v):
    return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
print(json.dumps({
    "ir_version": m.ir_version, "producer": m.producer_name,
    "opsets": {o.domain: o.version for o in m.opset_import},
    "metadata": {p.key: p.value for p in m.metadata_props},
    "inputs": {v.name: dims(v) for v in m.graph.input},
    "outputs": {v.name: [v.type.tensor_type.elem_type, dims(v)] for v in m.graph.output}}))
)";
  testing::CommandResult run = testing::run_command(
      "/usr/bin/python3 -c " + testing::shell_quote(script) + " " + testing::shell_quote(path));
  EXPECT_EQ(run.exit_code, 0) << "onnx.checker rejected " << path << ":\n" << run.err;
  return run.exit_code == 0 ? Json::parse(run.out, nullptr, false) : Json();
}

class OnnxWriterTest : public ::testing::Test {
 protected:
  std::string path_of(const InferenceModel& model) const {
    return dir_.path() + "/" + model.name + ".onnx";
  }

  // Exports `model` and runs ONNX's full checker on the file. Returns what
  // the checker read back, or null when python3-onnx is missing.
  Json export_and_check(const InferenceModel& model) {
    Status status = write_onnx_model(default_file_system(), path_of(model), model);
    EXPECT_TRUE(status.ok()) << status.to_string();
    if (testing::python_has_modules("onnx")) return check_with_onnx_package(path_of(model));
    std::cout << "python3-onnx is missing: skipping onnx.checker\n";
    return Json();
  }

  // Runs the exported `model` on random inputs in onnxruntime and compares
  // every output with the reference.
  void compare_in_onnxruntime(const InferenceModel& model) {
    const std::vector<float> x = testing::random_values(rng_, kOnnxBatch * model.input_width(), 2);
    std::vector<int64_t> dims{kOnnxBatch};
    dims.insert(dims.end(), model.input_shape.begin(), model.input_shape.end());
    const std::string input = dir_.path() + "/input.json";
    std::ofstream(input) << Json{{model.input_name, {{"dims", dims}, {"data", x}}}}.dump();
    const Json got =
        testing::run_node_script("onnx_predict.js", testing::shell_quote(path_of(model)) + " " +
                                                        testing::shell_quote(input));
    const testing::Rows y = testing::reference_forward(model, x, kOnnxBatch);
    for (const InferenceOutput& out : model.outputs) {
      SCOPED_TRACE(model.name + " output " + out.name);
      if (!got.is_object() || !got.contains(out.name)) {
        ADD_FAILURE() << "onnxruntime gave no output '" << out.name << "': " << got.dump();
        continue;
      }
      const Json& value = got[out.name];
      EXPECT_EQ(value["type"], out.kind == Kind::kClassIds ? "int64" : "float32");
      EXPECT_EQ(value["dims"][0], kOnnxBatch);
      const testing::Rows want = testing::reference_output(y, out.kind, model.binary_head);
      const double diff = testing::max_abs_difference(value["data"], want);
      std::cout << model.name << "/" << out.name << ": max |onnxruntime - reference| = " << diff
                << "\n";
      EXPECT_LE(diff, kOnnxTolerance);
    }
  }

  std::mt19937 rng_{20240607};
  testing::TempDir dir_;
};

TEST_F(OnnxWriterTest, EveryActivationWithAndWithoutBiasMatchesReference) {
  InferenceModel model{.name = "mlp", .input_name = "dense_input", .input_shape = {5}};
  model.steps = {
      testing::dense_step(rng_, "dense", 5, 7, "relu"),
      testing::dense_step(rng_, "dense_1", 7, 6, "tanh", /*use_bias=*/false),
      testing::dense_step(rng_, "dense_2", 6, 4, "sigmoid"),
      testing::dense_step(rng_, "dense_3", 4, 5, "elu"),
      testing::dense_step(rng_, "dense_4", 5, 3, "linear", /*use_bias=*/false),
      {.kind = InferenceStep::Kind::kActivation, .name = "activation", .activation = "softmax"}};
  model.outputs = {{"activation", Kind::kActivations}};
  const Json read_back = export_and_check(model);
  if (!read_back.is_null()) {
    EXPECT_EQ(read_back["ir_version"], 8);
    EXPECT_EQ(read_back["producer"], "cairn");
    EXPECT_EQ(read_back["opsets"], (Json{{"", 13}}));
    EXPECT_EQ(read_back["inputs"], (Json{{"dense_input", {"batch", 5}}}));
    EXPECT_EQ(read_back["outputs"], (Json{{"activation", {1, {"batch", 3}}}}));
    EXPECT_EQ(read_back["metadata"], Json::object());
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  compare_in_onnxruntime(model);
}

TEST_F(OnnxWriterTest, FlattenOfTwoByThreeInputMatchesReference) {
  InferenceModel model{.name = "flat", .input_name = "flatten_input", .input_shape = {2, 3}};
  model.steps = {{.kind = InferenceStep::Kind::kFlatten, .name = "flatten"},
                 testing::dense_step(rng_, "dense", 6, 4, "relu"),
                 testing::dense_step(rng_, "dense_1", 4, 3, "softmax")};
  model.outputs = {{"dense_1", Kind::kActivations}};
  const Json read_back = export_and_check(model);
  if (!read_back.is_null()) {
    EXPECT_EQ(read_back["inputs"], (Json{{"flatten_input", {"batch", 2, 3}}}));
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  compare_in_onnxruntime(model);
}

TEST_F(OnnxWriterTest, SoftmaxActivationIsOverTheLastAxis) {
  InferenceModel model{.name = "last_axis", .input_name = "x", .input_shape = {2, 3}};
  model.steps = {
      {.kind = InferenceStep::Kind::kActivation, .name = "softmax", .activation = "softmax"}};
  model.outputs = {{"y", Kind::kActivations}};
  const Json read_back = export_and_check(model);
  if (!read_back.is_null()) {
    EXPECT_EQ(read_back["outputs"], (Json{{"y", {1, {"batch", 2, 3}}}}));
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  compare_in_onnxruntime(model);
}

TEST_F(OnnxWriterTest, EstimatorHeadOutputsAndFeatureOrder) {
  InferenceModel model{.name = "dnn",
                       .input_name = "features",
                       .input_shape = {3},
                       .feature_names = {"petal_length", "sepal_width"},
                       .feature_widths = {2, 1}};
  model.steps = {testing::dense_step(rng_, "dnn/hiddenlayer_0", 3, 8, "relu"),
                 testing::dense_step(rng_, "dnn/hiddenlayer_1", 8, 5, "tanh"),
                 testing::dense_step(rng_, "dnn/logits", 5, 3, "linear")};
  model.outputs = {{"logits", Kind::kLogits},
                   {"probabilities", Kind::kProbabilities},
                   {"class_ids", Kind::kClassIds}};
  const Json read_back = export_and_check(model);
  if (!read_back.is_null()) {
    EXPECT_EQ(read_back["metadata"],
              (Json{{"feature_names", "petal_length,sepal_width"}, {"feature_widths", "2,1"}}));
    EXPECT_EQ(read_back["outputs"], (Json{{"logits", {1, {"batch", 3}}},
                                          {"probabilities", {1, {"batch", 3}}},
                                          {"class_ids", {7, {"batch", 1}}}}));
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  compare_in_onnxruntime(model);
}

TEST_F(OnnxWriterTest, BinaryHeadOutputs) {
  InferenceModel model{.name = "binary",
                       .input_name = "features",
                       .input_shape = {4},
                       .feature_names = {"x"},
                       .feature_widths = {4},
                       .binary_head = true};
  model.steps = {testing::dense_step(rng_, "dnn/hiddenlayer_0", 4, 6, "elu"),
                 testing::dense_step(rng_, "dnn/logits", 6, 1, "linear")};
  model.outputs = {{"logits", Kind::kLogits},
                   {"logistic", Kind::kLogistic},
                   {"probabilities", Kind::kProbabilities},
                   {"class_ids", Kind::kClassIds}};
  const Json read_back = export_and_check(model);
  if (!read_back.is_null()) {
    EXPECT_EQ(read_back["outputs"]["probabilities"], (Json{1, {"batch", 2}}));
    EXPECT_EQ(read_back["outputs"]["class_ids"], (Json{7, {"batch", 1}}));
  }
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  compare_in_onnxruntime(model);
}

// A two-layer model for the error tests; `edit` breaks it.
InferenceModel small_onnx_model(std::mt19937& rng) {
  InferenceModel model{.name = "small", .input_name = "x", .input_shape = {4}};
  model.steps = {testing::dense_step(rng, "dense", 4, 3, "relu"),
                 testing::dense_step(rng, "dense_1", 3, 2, "softmax")};
  model.outputs = {{"dense_1", Kind::kActivations}};
  return model;
}

// Writes `model` to a memory file system: the error, and no file left behind.
Status write_expecting_error(const InferenceModel& model) {
  MemoryFileSystem fs;
  Status status = write_onnx_model(fs, "/m/model.onnx", model);
  EXPECT_FALSE(fs.file_exists("/m/model.onnx"));
  return status;
}

void expect_onnx_invalid(const Status& status, const std::string& fragment) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.to_string();
  EXPECT_NE(status.message().find(fragment), std::string::npos) << status.to_string();
  EXPECT_NE(status.message().find("/m/model.onnx"), std::string::npos) << status.to_string();
}

TEST(OnnxWriterErrorTest, SmallModelWrites) {
  std::mt19937 rng(1);
  MemoryFileSystem fs;
  ASSERT_TRUE(write_onnx_model(fs, "/m/model.onnx", small_onnx_model(rng)).ok());
  EXPECT_TRUE(fs.file_exists("/m/model.onnx"));
}

TEST(OnnxWriterErrorTest, UnknownActivationNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_onnx_model(rng);
  model.steps[1].activation = "gelu";
  expect_onnx_invalid(write_expecting_error(model),
                      "layer 'dense_1': unsupported activation 'gelu'");
}

TEST(OnnxWriterErrorTest, KernelThatIsNotFloat32MatrixNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_onnx_model(rng);
  model.steps[0].kernel = Tensor(DType::kInt32, {4, 3});
  expect_onnx_invalid(write_expecting_error(model),
                      "layer 'dense': kernel must be float32 [4, units]");
  model.steps[0].kernel = Tensor(DType::kFloat32, {12});
  expect_onnx_invalid(write_expecting_error(model), "layer 'dense': kernel");
  model = small_onnx_model(rng);
  model.steps[1].kernel = Tensor(DType::kFloat32, {4, 2});  // the input is 3 wide
  expect_onnx_invalid(write_expecting_error(model),
                      "layer 'dense_1': kernel must be float32 [3, units]");
}

TEST(OnnxWriterErrorTest, BiasSizeMismatchNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_onnx_model(rng);
  model.steps[1].bias = Tensor(DType::kFloat32, {3});
  expect_onnx_invalid(write_expecting_error(model), "layer 'dense_1': bias must be float32 [2]");
}

TEST(OnnxWriterErrorTest, DenseOnUnflattenedInputNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_onnx_model(rng);
  model.input_shape = {2, 2};
  expect_onnx_invalid(write_expecting_error(model), "layer 'dense': Dense needs a flat input");
}

TEST(OnnxWriterErrorTest, InconsistentModelsNameTheModel) {
  std::mt19937 rng(1);
  InferenceModel model = small_onnx_model(rng);
  model.feature_names = {"a", "b"};
  model.feature_widths = {2, 1};
  expect_onnx_invalid(write_expecting_error(model), "model 'small': feature_names [a,b]");
  model = small_onnx_model(rng);
  model.binary_head = true;
  expect_onnx_invalid(write_expecting_error(model), "binary head needs one logit column");
  model = small_onnx_model(rng);
  model.outputs.push_back({"dense_1", Kind::kClassIds});
  expect_onnx_invalid(write_expecting_error(model), "output name 'dense_1'");
  model = small_onnx_model(rng);
  model.steps[1].name = "dense";
  expect_onnx_invalid(write_expecting_error(model), "layer name 'dense' is empty or repeated");
  model = small_onnx_model(rng);
  model.outputs = {{"dense/Gemm", Kind::kActivations}};
  expect_onnx_invalid(write_expecting_error(model), "'dense/Gemm' is made twice");
}

}  // namespace
}  // namespace cairn
