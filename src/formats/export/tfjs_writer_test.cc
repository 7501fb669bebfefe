// write_tfjs_model: models exported as TensorFlow.js layers models and loaded
// by @tensorflow/tfjs itself (Node.js, CPU backend), whose predictions must
// match a double-precision reference forward pass. Topologies are Keras
// configs as cairn's Keras layer writes them, and the real configs of Keras
// 2.1, 2.14 and 3 files from ../shared/fixtures.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "cairn/formats/export/tfjs_model.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"
#include "formats/export/export_test_util.h"
#include "formats/export/tfjs_layers.h"

namespace cairn {
namespace {

using testing::Json;
using Kind = InferenceOutput::Kind;

constexpr int64_t kTfjsBatch = 6;
constexpr double kTfjsTolerance = 1e-5;

Json null_shape(const std::vector<int64_t>& dims) {
  Json shape = Json::array({nullptr});
  for (int64_t d : dims) shape.push_back(d);
  return shape;
}

// A layer's config as cairn's Keras layers write it (Layer::base_config and
// Dense/Activation/Flatten::config).
Json keras2_layer(const InferenceStep& step, const std::vector<int64_t>* input_shape) {
  Json c{{"name", step.name}, {"trainable", true}};
  if (input_shape != nullptr) c["batch_input_shape"] = null_shape(*input_shape);
  c["dtype"] = "float32";
  if (step.kind == InferenceStep::Kind::kFlatten) {
    c["data_format"] = "channels_last";
    return {{"class_name", "Flatten"}, {"config", c}};
  }
  c["activation"] = step.activation;
  if (step.kind == InferenceStep::Kind::kActivation)
    return {{"class_name", "Activation"}, {"config", c}};
  c["units"] = step.kernel.shape().dim(1);
  c["use_bias"] = step.has_bias();
  c["kernel_initializer"] = {{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}};
  c["bias_initializer"] = {{"class_name", "Zeros"}, {"config", Json::object()}};
  for (const char* none : {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
                           "kernel_constraint", "bias_constraint"}) {
    c[none] = nullptr;
  }
  return {{"class_name", "Dense"}, {"config", c}};
}

// The Sequential config cairn's Keras layer writes for `model`'s steps (an
// InputLayer first), with a Dropout layer after the first step when asked
// (an InferenceModel leaves dropout out; its Keras config keeps it).
std::string keras2_config(const InferenceModel& model, bool with_dropout = false) {
  Json layers = Json::array();
  layers.push_back({{"class_name", "InputLayer"},
                    {"config",
                     {{"batch_input_shape", null_shape(model.input_shape)},
                      {"dtype", "float32"},
                      {"sparse", false},
                      {"ragged", false},
                      {"name", model.input_name}}}});
  for (size_t i = 0; i < model.steps.size(); ++i) {
    layers.push_back(keras2_layer(model.steps[i], i == 0 ? &model.input_shape : nullptr));
    if (i == 0 && with_dropout) {
      layers.push_back({{"class_name", "Dropout"},
                        {"config",
                         {{"name", "dropout"},
                          {"trainable", true},
                          {"dtype", "float32"},
                          {"rate", 0.5},
                          {"noise_shape", nullptr},
                          {"seed", nullptr}}}});
    }
  }
  return Json{{"class_name", "Sequential"},
              {"config", {{"name", model.name}, {"layers", layers}}},
              {"keras_version", "2.4.0"},
              {"backend", "tensorflow"}}
      .dump();
}

class TfjsWriterTest : public ::testing::Test {
 protected:
  // Exports `model`, loads it in tfjs, predicts random inputs and compares
  // with the reference. Returns what tfjs_predict.js printed.
  Json export_and_compare(const InferenceModel& model) {
    const std::string dir = dir_.path() + "/" + model.name + "_tfjs";
    Status status = write_tfjs_model(default_file_system(), dir, model);
    EXPECT_TRUE(status.ok()) << status.to_string();
    const std::vector<float> x = testing::random_values(rng_, kTfjsBatch * model.input_width(), 2);
    std::vector<int64_t> dims{kTfjsBatch};
    dims.insert(dims.end(), model.input_shape.begin(), model.input_shape.end());
    const std::string input = dir_.path() + "/input.json";
    std::ofstream(input) << Json{{"dims", dims}, {"data", x}}.dump();
    const Json got = testing::run_node_script(
        "tfjs_predict.js", testing::shell_quote(dir) + " " + testing::shell_quote(input));
    if (!got.is_object()) return Json();
    EXPECT_EQ(got["dims"][0], kTfjsBatch);
    const testing::Rows want = testing::reference_forward(model, x, kTfjsBatch);
    const double diff = testing::max_abs_difference(got["data"], want);
    std::cout << model.name << ": max |tfjs - reference| = " << diff << "\n";
    EXPECT_LE(diff, kTfjsTolerance);
    return got;
  }

  std::mt19937 rng_{20240608};
  testing::TempDir dir_;
};

InferenceModel every_activation_model(std::mt19937& rng) {
  InferenceModel model{.name = "sequential", .input_name = "dense_input", .input_shape = {4}};
  model.steps = {
      testing::dense_step(rng, "dense", 4, 10, "relu"),
      testing::dense_step(rng, "dense_1", 10, 6, "tanh", /*use_bias=*/false),
      testing::dense_step(rng, "dense_2", 6, 5, "sigmoid"),
      testing::dense_step(rng, "dense_3", 5, 5, "elu"),
      testing::dense_step(rng, "dense_4", 5, 3, "linear", /*use_bias=*/false),
      {.kind = InferenceStep::Kind::kActivation, .name = "activation", .activation = "softmax"}};
  model.outputs = {{"activation", Kind::kActivations}};
  return model;
}

TEST_F(TfjsWriterTest, KerasConfigWithEveryActivationMatchesReference) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  InferenceModel model = every_activation_model(rng_);
  model.keras_model_config = keras2_config(model, /*with_dropout=*/true);
  export_and_compare(model);
}

TEST_F(TfjsWriterTest, FlattenOfTwoByThreeInputMatchesReference) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  InferenceModel model{.name = "flat", .input_name = "flatten_input", .input_shape = {2, 3}};
  model.steps = {{.kind = InferenceStep::Kind::kFlatten, .name = "flatten"},
                 testing::dense_step(rng_, "dense", 6, 4, "relu"),
                 testing::dense_step(rng_, "dense_1", 4, 3, "softmax")};
  model.outputs = {{"dense_1", Kind::kActivations}};
  model.keras_model_config = keras2_config(model);
  const Json got = export_and_compare(model);
  if (got.is_object()) {
    EXPECT_EQ(got["dims"], (Json{kTfjsBatch, 3}));
  }
}

TEST_F(TfjsWriterTest, EstimatorModelRecordsOutputsAndFeatureOrder) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  InferenceModel model{.name = "dnn",
                       .input_name = "features",
                       .input_shape = {3},
                       .feature_names = {"petal_length", "sepal_width"},
                       .feature_widths = {2, 1}};
  model.steps = {testing::dense_step(rng_, "dnn/hiddenlayer_0", 3, 8, "relu"),
                 testing::dense_step(rng_, "dnn/logits", 8, 3, "linear")};
  model.outputs = {{"logits", Kind::kLogits},
                   {"probabilities", Kind::kProbabilities},
                   {"class_ids", Kind::kClassIds}};
  model.keras_model_config = keras2_config(model);
  const Json got = export_and_compare(model);
  if (!got.is_object()) return;
  const Json want{{"cairn",
                   {{"outputs",
                     {{{"name", "logits"}, {"kind", "logits"}},
                      {{"name", "probabilities"}, {"kind", "probabilities"}},
                      {{"name", "class_ids"}, {"kind", "class_ids"}}}},
                    {"binary_head", false},
                    {"feature_names", {"petal_length", "sepal_width"}},
                    {"feature_widths", {2, 1}}}}};
  EXPECT_EQ(got["metadata"], want);
}

TEST_F(TfjsWriterTest, Keras3SpellingsAreRewrittenForTfjs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  InferenceModel model = every_activation_model(rng_);
  Json config = Json::parse(keras2_config(model));
  const Json policy{{"module", "keras"},
                    {"class_name", "DTypePolicy"},
                    {"config", {{"name", "float32"}}},
                    {"registered_name", nullptr}};
  config["config"]["dtype"] = policy;
  for (Json& layer : config["config"]["layers"]) {
    Json& c = layer["config"];
    if (c.contains("batch_input_shape")) {
      c["batch_shape"] = c["batch_input_shape"];
      c.erase("batch_input_shape");
    }
    if (layer["class_name"] != "InputLayer") c["dtype"] = policy;
  }
  config["keras_version"] = "3.3.3";
  model.keras_model_config = config.dump();
  export_and_compare(model);
}

TEST_F(TfjsWriterTest, ModelJsonKeysAndShardSize) {
  InferenceModel model = every_activation_model(rng_);
  model.keras_model_config = keras2_config(model);
  const std::string dir = dir_.path() + "/tfjs";
  ASSERT_TRUE(write_tfjs_model(default_file_system(), dir, model).ok());
  std::ifstream in(dir + "/model.json");
  const Json json = Json::parse(in, nullptr, false);
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["format"], "layers-model");
  EXPECT_EQ(json["generatedBy"], "cairn; keras v2.4.0");
  EXPECT_EQ(json["convertedBy"], "cairn");
  EXPECT_EQ(json["modelTopology"], Json::parse(model.keras_model_config));
  ASSERT_EQ(json["weightsManifest"].size(), 1u);
  const Json& group = json["weightsManifest"][0];
  EXPECT_EQ(group["paths"], (Json{"group1-shard1of1.bin"}));
  std::vector<std::string> names;
  int64_t bytes = 0;
  for (const Json& w : group["weights"]) {
    names.push_back(w["name"]);
    EXPECT_EQ(w["dtype"], "float32");
    int64_t n = 4;
    for (const Json& d : w["shape"]) n *= d.get<int64_t>();
    bytes += n;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"dense/kernel", "dense/bias", "dense_1/kernel",
                                             "dense_2/kernel", "dense_2/bias", "dense_3/kernel",
                                             "dense_3/bias", "dense_4/kernel"}));
  EXPECT_EQ(group["weights"][0]["shape"], (Json{4, 10}));
  Result<uint64_t> shard = default_file_system().file_size(dir + "/group1-shard1of1.bin");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(static_cast<int64_t>(*shard), bytes);
}

// An InferenceModel of the Sequential Keras model in a Keras .h5 file (Dense,
// Activation, Flatten and InputLayer layers).
InferenceModel model_from_h5(const KerasH5File& file) {
  InferenceModel model{.name = "fixture", .keras_model_config = file.model_config};
  const Json config = Json::parse(file.model_config);
  const Json& layers = config["config"].is_array() ? config["config"] : config["config"]["layers"];
  for (const Json& layer : layers) {
    const Json& c = layer["config"];
    for (const char* key : {"batch_input_shape", "batch_shape"}) {
      if (c.contains(key) && model.input_shape.empty()) {
        for (size_t i = 1; i < c[key].size(); ++i) model.input_shape.push_back(c[key][i]);
      }
    }
    InferenceStep step{.name = c["name"], .activation = c.value("activation", "linear")};
    if (layer["class_name"] == "Activation") step.kind = InferenceStep::Kind::kActivation;
    if (layer["class_name"] == "Flatten") step.kind = InferenceStep::Kind::kFlatten;
    if (layer["class_name"] == "Dense") {
      for (const H5LayerWeights& weights : file.layers) {
        if (weights.layer_name != step.name) continue;
        step.kernel = weights.weights.at(0).value;
        if (weights.weights.size() > 1) step.bias = weights.weights[1].value;
      }
    }
    if (layer["class_name"] != "InputLayer") model.steps.push_back(std::move(step));
  }
  model.outputs = {{"output", Kind::kActivations}};
  return model;
}

TEST_F(TfjsWriterTest, RealKerasConfigsFromTwoPointOneToThreeLoad) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  for (const char* name :
       {"keras-iris-martinrep", "keras214-iris-ahmedraza", "keras3-iris-nojan"}) {
    SCOPED_TRACE(name);
    Result<KerasH5File> file = read_keras_h5(*fixtures + "/" + name + "/iris_model.h5");
    ASSERT_TRUE(file.ok()) << file.status().to_string();
    InferenceModel model = model_from_h5(*file);
    model.name = name;
    export_and_compare(model);
  }
}

// A small valid model whose Keras config the error tests keep.
InferenceModel small_tfjs_model(std::mt19937& rng) {
  InferenceModel model{.name = "small", .input_name = "x", .input_shape = {4}};
  model.steps = {testing::dense_step(rng, "dense", 4, 3, "relu"),
                 testing::dense_step(rng, "dense_1", 3, 2, "softmax")};
  model.outputs = {{"dense_1", Kind::kActivations}};
  model.keras_model_config = keras2_config(model);
  return model;
}

void expect_tfjs_invalid(const InferenceModel& model, const std::string& fragment) {
  MemoryFileSystem fs;
  Status status = write_tfjs_model(fs, "/m/tfjs", model);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.to_string();
  EXPECT_NE(status.message().find(fragment), std::string::npos) << status.to_string();
  EXPECT_FALSE(fs.file_exists("/m/tfjs/model.json"));
  EXPECT_FALSE(fs.file_exists("/m/tfjs/group1-shard1of1.bin"));
}

TEST(TfjsWriterErrorTest, SmallModelWritesBothFiles) {
  std::mt19937 rng(1);
  MemoryFileSystem fs;
  ASSERT_TRUE(write_tfjs_model(fs, "/m/tfjs", small_tfjs_model(rng)).ok());
  EXPECT_TRUE(fs.file_exists("/m/tfjs/model.json"));
  Result<uint64_t> size = fs.file_size("/m/tfjs/group1-shard1of1.bin");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, (4u * 3 + 3 + 3 * 2 + 2) * 4);
}

TEST(TfjsWriterErrorTest, KernelThatIsNotFloat32MatrixNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_tfjs_model(rng);
  model.steps[1].kernel = Tensor(DType::kFloat64, {3, 2});
  expect_tfjs_invalid(model,
                      "layer 'dense_1': kernel must be float32 [3, units], got float64 [3, 2]");
  model.steps[1].kernel = Tensor(DType::kFloat32, {3, 2, 1});
  expect_tfjs_invalid(model, "layer 'dense_1': kernel must be float32");
}

TEST(TfjsWriterErrorTest, BiasSizeMismatchNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_tfjs_model(rng);
  model.steps[0].bias = Tensor(DType::kFloat32, {4});
  expect_tfjs_invalid(model, "layer 'dense': bias must be float32 [3], got float32 [4]");
}

TEST(TfjsWriterErrorTest, UnknownActivationNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_tfjs_model(rng);
  model.steps[0].activation = "swish";
  expect_tfjs_invalid(model, "layer 'dense': unsupported activation 'swish'");
}

TEST(TfjsWriterErrorTest, ConfigThatIsNotAModelConfig) {
  std::mt19937 rng(1);
  InferenceModel model = small_tfjs_model(rng);
  model.keras_model_config = "{not json";
  expect_tfjs_invalid(model, "keras_model_config is not a Keras Sequential or functional config");
  model.keras_model_config = R"({"class_name": "Lambda", "config": {"layers": []}})";
  expect_tfjs_invalid(model, "keras_model_config is not a Keras Sequential or functional config");
  model.keras_model_config = "";
  expect_tfjs_invalid(model, "keras_model_config is not a Keras Sequential or functional config");
}

TEST(TfjsWriterErrorTest, DenseStepMissingFromConfigNamesTheLayer) {
  std::mt19937 rng(1);
  InferenceModel model = small_tfjs_model(rng);
  model.steps[1].name = "dense_9";
  expect_tfjs_invalid(model, "layer 'dense_9' has no layer of that name in keras_model_config");
}

// small_tfjs_model with its first Dense step as a kLayer step (the way
// Keras models hand other layers to the exporters).
InferenceModel layer_step_model() {
  std::mt19937 rng(1);
  InferenceModel model = small_tfjs_model(rng);
  InferenceStep& step = model.steps[0];
  step.weights = {{step.name + "/kernel", step.kernel}, {step.name + "/bias", step.bias}};
  step.kind = InferenceStep::Kind::kLayer;
  step.class_name = "Dense";
  step.output_shape = {step.kernel.shape().dim(1)};
  step.kernel = Tensor();
  step.bias = Tensor();
  return model;
}

TEST(TfjsWriterErrorTest, LayerStepsAreCheckedAndNameTheLayer) {
  InferenceModel model = layer_step_model();
  MemoryFileSystem fs;
  ASSERT_TRUE(write_tfjs_model(fs, "/m/tfjs", model).ok());  // the same bytes as the Dense step
  model.steps[0].class_name = "";
  expect_tfjs_invalid(model, "layer 'dense': a kLayer step needs its class_name");
  model = layer_step_model();
  model.steps[0].output_shape = {3, 0};
  expect_tfjs_invalid(model, "layer 'dense': output_shape [3, 0] is empty");
  model = layer_step_model();
  model.steps[0].weights[1].value = Tensor(DType::kFloat64, {3});
  expect_tfjs_invalid(model, "layer 'dense': weight 'dense/bias' must be named and float32");
  model = layer_step_model();
  model.steps[1].inputs = {"dense_7"};
  expect_tfjs_invalid(model,
                      "layer 'dense_1': reads 'dense_7', which is neither the model's input nor "
                      "an earlier step");
}

TEST(TfjsWriterErrorTest, LayerTensorFlowJsLacksIsUnimplemented) {
  InferenceModel model = layer_step_model();
  Json config = Json::parse(model.keras_model_config);
  config["config"]["layers"][1]["config"]["activation"] = "exponential";
  model.keras_model_config = config.dump();
  MemoryFileSystem fs;
  const Status status = write_tfjs_model(fs, "/m/tfjs", model);
  EXPECT_EQ(status.code(), StatusCode::kUnimplemented) << status.to_string();
  EXPECT_NE(status.message().find("layer 'dense' (Dense) cannot be exported to TensorFlow.js: "
                                  "TensorFlow.js lacks the activation 'exponential'"),
            std::string::npos)
      << status.to_string();
}

TEST(TfjsWriterLayerTest, SiluIsWrittenAsSwishAndWeightsKeepTheirTensorFlowJsNames) {
  InferenceModel model = layer_step_model();
  Json config = Json::parse(model.keras_model_config);
  config["config"]["layers"][1]["config"]["activation"] = "silu";
  model.keras_model_config = config.dump();
  MemoryFileSystem fs;
  ASSERT_TRUE(write_tfjs_model(fs, "/m/tfjs", model).ok());
  const Json written = Json::parse(fs.read_file("/m/tfjs/model.json").value());
  EXPECT_EQ(written["modelTopology"]["config"]["layers"][1]["config"]["activation"], "swish");
  EXPECT_EQ(written["weightsManifest"][0]["weights"][0]["name"], "dense/kernel");
  EXPECT_EQ(internal::tfjs_weight_name("LSTM", "lstm", "lstm/lstm_cell/recurrent_kernel").value(),
            "lstm/recurrent_kernel");
  EXPECT_EQ(internal::tfjs_weight_name("TimeDistributed", "td", "inner/kernel").value(),
            "td/kernel");
  EXPECT_EQ(
      internal::tfjs_weight_name("Bidirectional", "bi", "bi/backward_gru/gru_cell/bias").value(),
      "bi/backward_gru/bias");
  EXPECT_EQ(internal::tfjs_weight_name("Bidirectional", "bi", "bi/kernel").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn
