// SavedModels of Keras models: save_keras_model's timestamped directories,
// load_model(dir) for cairn's, TF 2.5+-style (keras_metadata.pb) and
// tf.keras's TF 2.1 SavedModels, the model JSON Python reads as TF 1.x's
// load_keras_model did, and the error for a SavedModel without a Keras config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/proto/keras_saved_metadata.pb.h"
#include "cairn/serving/saved_model_runner.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using ::testing::HasSubstr;
using testing::same_weights;
using testing::small_classifier;

void expect_same_predictions(Sequential& a, Sequential& b, const Tensor& x) {
  const Tensor pa = a.predict(x), pb = b.predict(x);
  ASSERT_EQ(pa.shape(), pb.shape());
  EXPECT_TRUE(pa == pb);
}

TEST(KerasSavedModelTest, SaveKerasModelRoundTripsIntoNewTimestampedDirectories) {
  cairn::testing::TempDir tmp;
  const std::string base = tmp.path() + "/saved_models";
  Sequential model = small_classifier();
  auto [x, y] = blobs(60, 3);
  model.fit(x, y, {.epochs = 2, .verbose = 0});

  const std::string first = save_keras_model(model, base);
  const std::string second = save_keras_model(model, base);  // same second: waits for the next
  EXPECT_NE(first, second);
  for (const std::string& path : {first, second}) {
    const std::filesystem::path p(path);
    EXPECT_EQ(p.parent_path(), std::filesystem::path(base));
    EXPECT_GT(std::stoll(p.filename().string()), 1'600'000'000) << path;  // seconds since 1970
    EXPECT_TRUE(std::filesystem::exists(p / "assets/saved_model.json")) << path;
    EXPECT_FALSE(std::filesystem::exists(p / "keras_metadata.pb")) << path;  // TF 2.5+'s
  }

  Sequential restored = load_model(first);
  EXPECT_TRUE(same_weights(model, restored));
  expect_same_predictions(model, restored, x);
  // Compiled from the training config, with a fresh optimizer (not restored).
  ASSERT_TRUE(restored.compiled());
  EXPECT_EQ(restored.compile_options().loss, "sparse_categorical_crossentropy");
  EXPECT_EQ(restored.optimizer()->iterations(), 0);
  EXPECT_GT(model.optimizer()->iterations(), 0);
  // Trainable: fit moves the weights.
  restored.fit(x, y, {.epochs = 1, .verbose = 0});
  EXPECT_FALSE(same_weights(model, restored));
}

TEST(KerasSavedModelTest, NeverReplacesAnExistingDirectory) {
  MemoryFileSystem fs;
  Sequential model = small_classifier();
  model.set_file_system(fs);
  model.build({4});
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (int64_t t : {now, now + 1}) {  // taken: this second and the next
    ASSERT_TRUE(fs.create_directories("/base/" + std::to_string(t)).ok());
    ASSERT_TRUE(fs.write_file_atomically("/base/" + std::to_string(t) + "/mine", "keep").ok());
  }
  const std::string path = save_keras_model(model, "/base");
  EXPECT_GE(std::stoll(path.substr(6)), now + 2) << path;
  for (int64_t t : {now, now + 1}) {
    EXPECT_EQ(fs.read_file("/base/" + std::to_string(t) + "/mine").value(), "keep");
  }
  Sequential restored = load_model(path, fs);  // through the same file system
  EXPECT_TRUE(same_weights(model, restored));
}

Json read_json(const std::string& path) {
  return Json::parse(default_file_system().read_file(path).value());
}

TEST(KerasSavedModelTest, AssetsRecordTheModelJsonAndTheTrainingConfig) {
  cairn::testing::TempDir tmp;
  Sequential model = small_classifier();
  model.build({4});
  model.save(tmp.path() + "/m");  // Sequential::save(dir) records them too
  const Json json = read_json(tmp.path() + "/m/assets/saved_model.json");  // to_json()
  EXPECT_EQ(json["class_name"], "Sequential");
  EXPECT_EQ(json["config"]["layers"].size(), 4u);  // InputLayer first
  EXPECT_EQ(json["config"]["layers"][2]["class_name"], "Dropout");
  EXPECT_NEAR(json["config"]["layers"][2]["config"]["rate"].get<double>(), 0.1, 1e-7);
  EXPECT_EQ(json["backend"], "tensorflow");
  EXPECT_TRUE(json["keras_version"].is_string());
  const Json training = read_json(tmp.path() + "/m/assets/cairn_training_config.json");
  EXPECT_EQ(training["loss"], "sparse_categorical_crossentropy");
  EXPECT_EQ(training["optimizer_config"]["class_name"], "Adam");

  // Not compiled: no training config (one of an earlier export is removed).
  Sequential plain({Dense(2, {.input_shape = Shape{4}})});
  plain.save(tmp.path() + "/m");
  EXPECT_TRUE(std::filesystem::exists(tmp.path() + "/m/assets/saved_model.json"));
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/m/assets/cairn_training_config.json"));
  EXPECT_FALSE(load_model(tmp.path() + "/m").compiled());
}

constexpr const char* kPythonCheck = R"(
import json, sys
with open(sys.argv[1] + "/assets/saved_model.json") as f:
    m = json.load(f)
print(sorted(m), m["class_name"], m["backend"], type(m["keras_version"]).__name__)
print([layer["class_name"] for layer in m["config"]["layers"]])
)";

TEST(KerasSavedModelInteropTest, PythonReadsTheModelJsonAsTensorFlow1Did) {
  cairn::testing::TempDir tmp;
  Sequential model = small_classifier();
  model.build({4});
  const std::string path = save_keras_model(model, tmp.path() + "/saved_models");
  ASSERT_TRUE(
      default_file_system().write_file_atomically(tmp.path() + "/check.py", kPythonCheck).ok());
  auto q = cairn::testing::shell_quote;
  auto run = cairn::testing::run_command("/usr/bin/python3 " + q(tmp.path() + "/check.py") + " " +
                                         q(path));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "['backend', 'class_name', 'config', 'keras_version'] Sequential tensorflow str\n"
            "['InputLayer', 'Dense', 'Dropout', 'Dense']\n");
}

// The root's TF 2.5+ metadata: the model JSON, model_config and training_config.
std::string tf25_root_metadata(const std::string& dir) {
  const Json json = read_json(dir + "/assets/saved_model.json");
  Json metadata = {{"class_name", "Sequential"},
                   {"config", json["config"]},
                   {"model_config", {{"class_name", "Sequential"}, {"config", json["config"]}}},
                   {"training_config", read_json(dir + "/assets/cairn_training_config.json")}};
  return metadata.dump();
}

void write_keras_metadata_pb(const std::string& dir, const std::string& root_metadata) {
  third_party::py::keras::protobuf::SavedMetadata metadata;
  auto* root = metadata.add_nodes();
  root->set_node_path("root");
  root->set_identifier("_tf_keras_sequential");
  root->set_metadata(root_metadata);
  ASSERT_TRUE(default_file_system()
                  .write_file_atomically(dir + "/keras_metadata.pb", metadata.SerializeAsString())
                  .ok());
}

TEST(KerasSavedModelTest, ReadsTheModelJsonFirstThenKerasMetadata) {
  cairn::testing::TempDir tmp;
  const std::string dir = tmp.path() + "/m";
  Sequential model = small_classifier();
  model.build({4});
  model.save(dir);
  // Beside assets/saved_model.json, a keras_metadata.pb is not read.
  write_keras_metadata_pb(dir, "not json");
  EXPECT_TRUE(same_weights(model, load_model(dir)));

  // As TF 2.5+ writes it: keras_metadata.pb alone.
  write_keras_metadata_pb(dir, tf25_root_metadata(dir));
  std::filesystem::remove(dir + "/assets/saved_model.json");
  std::filesystem::remove(dir + "/assets/cairn_training_config.json");
  Sequential restored = load_model(dir);
  EXPECT_TRUE(same_weights(model, restored));
  ASSERT_TRUE(restored.compiled());
  EXPECT_EQ(restored.compile_options().loss, "sparse_categorical_crossentropy");
}

TEST(KerasSavedModelTest, ASavedModelWithoutKerasConfigIsAClearError) {
  cairn::testing::TempDir tmp;
  Sequential model = small_classifier();
  model.build({4});
  InferenceModel served = model.inference_model();
  served.is_keras_model = false;  // as an Estimator's export
  ASSERT_TRUE(write_saved_model(default_file_system(), tmp.path() + "/m", served).ok());
  try {
    load_model(tmp.path() + "/m");
    FAIL() << "loaded a SavedModel without a Keras config";
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has no Keras model config"));
    EXPECT_THAT(e.what(), HasSubstr("cairn::serving::SavedModel"));
    EXPECT_THAT(e.what(), HasSubstr(tmp.path() + "/m"));
  }
}

TEST(KerasSavedModelTest, AConfigThatDoesNotFitTheVariablesGivesTheFullReport) {
  cairn::testing::TempDir tmp;
  FileSystem& fs = default_file_system();
  Sequential model = small_classifier();
  model.build({4});
  const std::string path = save_keras_model(model, tmp.path());
  Json json = read_json(path + "/assets/saved_model.json");
  json["config"]["layers"][1]["config"]["units"] = 8;  // dense: 16 -> 8
  ASSERT_TRUE(fs.write_file_atomically(path + "/assets/saved_model.json", json.dump()).ok());
  try {
    load_model(path);
    FAIL() << "loaded weights of another shape";
  } catch (const InvalidArgumentError& e) {
    const std::string dense = model.layers()[0]->name(), dense_1 = model.layers()[2]->name();
    EXPECT_THAT(e.what(), HasSubstr("(3 problems)"));
    EXPECT_THAT(e.what(), HasSubstr("'" + dense + "/kernel' is float32 [4, 16]"));
    EXPECT_THAT(e.what(), HasSubstr("'" + dense + "/bias' is float32 [16]"));
    EXPECT_THAT(e.what(), HasSubstr("'" + dense_1 + "/kernel' is float32 [16, 3]"));
  }
}

// relu(x W0 + b0) -> relu(. W2 + b2) -> sigmoid(. W4 + b4), from the bundle.
std::vector<float> titanic_reference(const std::string& prefix, const Tensor& x) {
  CheckpointReader reader(prefix);
  auto get = [&](int layer, const char* what) {
    return reader.get_tensor("layer-" + std::to_string(layer) + "/" + what +
                             "/.ATTRIBUTES/VARIABLE_VALUE");
  };
  const int64_t rows = x.shape().dim(0);
  std::vector<float> h(x.flat<float>().begin(), x.flat<float>().end());
  int64_t width = x.shape().dim(1);
  for (int layer : {0, 2, 4}) {
    const Tensor w = get(layer, "kernel"), b = get(layer, "bias");
    const int64_t units = w.shape().dim(1);
    std::vector<float> out(static_cast<size_t>(rows * units));
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t u = 0; u < units; ++u) {
        double z = b.flat<float>()[u];
        for (int64_t k = 0; k < width; ++k) z += h[r * width + k] * w.flat<float>()[k * units + u];
        out[r * units + u] =
            static_cast<float>(layer == 4 ? 1.0 / (1.0 + std::exp(-z)) : std::max(z, 0.0));
      }
    }
    h = std::move(out);
    width = units;
  }
  return h;
}

// A tf.keras model.save(dir) of TF 2.1: the config in the object graph's
// user objects, the variables in two shards keyed "layer-<i>/...".
TEST(KerasSavedModelTest, LoadsTheTitanicSavedModelTensorFlowWrote) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/titanic-keras-tf21/saved_model";
  Sequential model = load_model(dir);
  ASSERT_EQ(model.layers().size(), 5u);
  EXPECT_EQ(model.layers()[1]->class_name(), "Dropout");
  EXPECT_EQ(model.input_shape(), Shape{18});
  ASSERT_TRUE(model.compiled());
  EXPECT_EQ(model.compile_options().loss, "binary_crossentropy");
  EXPECT_EQ(model.optimizer()->iterations(), 0);  // 3584 in the file: not restored
  EXPECT_NEAR(model.weights()[5]->value.flat<float>()[0], -0.0052851f, 1e-7);  // layer-4/bias

  Tensor x(DType::kFloat32, {4, 18});
  for (size_t i = 0; i < 72; ++i) x.flat<float>()[i] = 0.1f * static_cast<float>(i % 11) - 0.3f;
  const Tensor predicted = model.predict(x);
  const std::vector<float> reference = titanic_reference(dir + "/variables/variables", x);
  ASSERT_EQ(predicted.num_elements(), 4);
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(predicted.flat<float>()[i], reference[i], 1e-6);

  // What the SavedModel's own signature computes, when cairn runs TF2 SavedModels.
  try {
    auto served = serving::SavedModel::load(dir);
    const Tensor y = served.run("serving_default", {{"input_1", x}}).at("output_1");
    for (size_t i = 0; i < 4; ++i)
      EXPECT_NEAR(predicted.flat<float>()[i], y.flat<float>()[i], 1e-6);
  } catch (const UnimplementedError& e) {
    std::cout << "serving::SavedModel does not run it yet: " << e.what() << "\n";
  }
}

TEST(KerasSavedModelTest, ATensorFlow1SavedModelIsAClearError) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/tf-serving-saved_model_half_plus_two_cpu/00000123";
  try {
    load_model(dir);
    FAIL() << "loaded a TF1 SavedModel as a Keras model";
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has no Keras model config"));
  }
}

}  // namespace
}  // namespace cairn::keras
