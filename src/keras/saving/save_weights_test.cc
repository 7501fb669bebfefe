// save_weights / load_weights in the TF checkpoint format: tf.keras's
// object-based keys, optimizer state, a readable object graph, mismatch
// reports, and tfckpt.py (a reader we did not write) as a second opinion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/restore_names.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/object_graph.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using ::testing::HasSubstr;
using testing::same_weights;
using testing::small_classifier;

TEST(SaveWeightsTest, TfFormatHasKerasObjectKeysAndStateFile) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(60, 1);
  Sequential model = small_classifier();
  model.fit(x, y, {.epochs = 2, .verbose = 0});
  const std::string prefix = dir.path() + "/checkpoints/my_checkpoint";
  model.save_weights(prefix);
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    EXPECT_TRUE(std::filesystem::exists(prefix + suffix)) << suffix;
  }
  EXPECT_EQ(latest_checkpoint(dir.path() + "/checkpoints"), prefix);
  CheckpointReader reader(prefix);
  for (const std::string& k :
       {object_variable_key("layer_with_weights-0/kernel"),
        object_variable_key("layer_with_weights-0/bias"),
        object_variable_key("layer_with_weights-1/kernel"), object_variable_key("optimizer/iter"),
        object_variable_key("optimizer/learning_rate"), object_variable_key("optimizer/beta_1"),
        object_variable_key("layer_with_weights-1/bias/.OPTIMIZER_SLOT/optimizer/m"),
        object_variable_key("layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/v"),
        std::string("_CHECKPOINTABLE_OBJECT_GRAPH")}) {
    EXPECT_TRUE(reader.has_tensor(k)) << k;
  }
  EXPECT_EQ(reader.get_tensor(object_variable_key("optimizer/iter")).flat<int64_t>()[0],
            4);  // 2 epochs x 2 batches
  EXPECT_TRUE(reader.get_tensor(object_variable_key("layer_with_weights-0/kernel")) ==
              model.weights()[0]->value);
  // The graph names every saved variable, and the optimizer lists its slots.
  ObjectGraph graph = value_or_throw(
      parse_object_graph(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH").strings()[0]));
  std::vector<std::string> keys = checkpoint_keys(graph);
  EXPECT_EQ(keys.size(), reader.list_variables().size() - 1);
  size_t slots = 0;
  for (const ObjectGraph::Node& n : graph.nodes) slots += n.slot_variables.size();
  EXPECT_EQ(slots, 8u);  // m and v for 4 variables
}

TEST(SaveWeightsTest, LoadRestoresPredictionsAndOptimizerBitForBit) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(90, 2);
  Sequential a = small_classifier(5);
  a.fit(x, y, {.epochs = 2, .verbose = 0});
  a.save_weights(dir.path() + "/ckpt");
  Sequential b = small_classifier(99);
  b.set_seed(a.seed());
  b.load_weights(dir.path() + "/ckpt");
  EXPECT_TRUE(same_weights(a, b));
  EXPECT_TRUE(a.predict(x) == b.predict(x));
  EXPECT_EQ(b.optimizer()->iterations(), a.optimizer()->iterations());
  // One more epoch each, same seed and same state: identical weights.
  a.fit(x, y, {.epochs = 3, .verbose = 0, .initial_epoch = 2});
  b.fit(x, y, {.epochs = 3, .verbose = 0, .initial_epoch = 2});
  EXPECT_TRUE(same_weights(a, b));
}

TEST(SaveWeightsTest, LoadBuildsAnUnbuiltModelFromTheCheckpoint) {
  cairn::testing::TempDir dir;
  Sequential a = small_classifier();
  a.save_weights(dir.path() + "/ckpt");
  Sequential b(
      {Dense(16, {.activation = "relu"}), Dropout(0.1), Dense(3, {.activation = "softmax"})});
  b.load_weights(dir.path());  // a directory: its newest checkpoint
  EXPECT_EQ(b.input_shape(), Shape{4});
  EXPECT_TRUE(same_weights(a, b));
}

TEST(SaveWeightsTest, AnotherArchitectureListsEveryMismatch) {
  cairn::testing::TempDir dir;
  Sequential a = small_classifier();
  a.save_weights(dir.path() + "/ckpt");
  Sequential b({Dense(8, {.activation = "relu", .input_shape = Shape{4}}), Dense(3)});
  const Tensor before = b.weights()[0]->value;
  try {
    b.load_weights(dir.path() + "/ckpt");
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("3 problems"));
    EXPECT_THAT(message, HasSubstr("layer_with_weights-0/kernel"));
    EXPECT_THAT(message, HasSubstr("[4, 16]"));
    EXPECT_THAT(message, HasSubstr("[4, 8]"));
    EXPECT_THAT(message, HasSubstr("layer_with_weights-1/kernel"));
  }
  EXPECT_TRUE(b.weights()[0]->value == before) << "nothing is changed on a mismatch";
  Sequential c({Dense(16, {.input_shape = Shape{4}})});
  EXPECT_THROW(c.load_weights(dir.path() + "/ckpt"), InvalidArgumentError);  // extra layer saved
  EXPECT_THROW(c.load_weights(dir.path() + "/missing"), NotFoundError);
}

TEST(SaveWeightsTest, TfckptReadsOurKerasCheckpoint) {
  auto tools = cairn::testing::tools_dir();
  if (!tools) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  if (!cairn::testing::python_has_modules("crc32c snappy")) GTEST_SKIP() << "no crc32c/snappy";
  cairn::testing::TempDir dir;
  Sequential model = small_classifier();
  auto [x, y] = blobs(30, 3);
  model.fit(x, y, {.epochs = 1, .verbose = 0});
  model.save_weights(dir.path() + "/cp-0001.ckpt");
  auto run = cairn::testing::run_command(
      "/usr/bin/python3 " + cairn::testing::shell_quote(*tools + "/tfckpt.py") + " " +
      cairn::testing::shell_quote(dir.path() + "/cp-0001.ckpt") + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto doc = nlohmann::json::parse(run.out);
  std::map<std::string, bool> crc_ok;
  for (const auto& t : doc["tensors"]) crc_ok[t["name"]] = t["crc_ok"];
  EXPECT_EQ(crc_ok.size(), 18u);  // 4 weights, 8 slots, 5 optimizer scalars, the graph
  EXPECT_TRUE(crc_ok[object_variable_key("layer_with_weights-0/kernel")]);
  for (const auto& [name, ok] : crc_ok) EXPECT_TRUE(ok) << name;
}

// A tf.keras model saved by TensorFlow 2.1 (its SavedModel's variables, two
// shards, TF 2.0/2.1's "layer-<i>" keys counting the Dropouts too).
TEST(SaveWeightsTest, LoadsTheTitanicModelTensorFlowWrote) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const std::string prefix = *fixtures + "/titanic-keras-tf21/saved_model/variables/variables";
  Sequential model({Dense(70, {.activation = "relu", .input_shape = Shape{18}}), Dropout(0.15),
                    Dense(25, {.activation = "relu"}), Dropout(0.2),
                    Dense(1, {.activation = "sigmoid"})});
  model.compile({.optimizer = Adam{.learning_rate = 0.0001}, .loss = "binary_crossentropy"});
  model.load_weights(prefix);
  const nn::VariableRefs w = model.weights();
  EXPECT_NEAR(w[0]->value.flat<float>()[0], -0.2970187f, 1e-7);  // 7 digits listed
  EXPECT_NEAR(w[0]->value.flat<float>()[2], 0.0647128f, 1e-7);
  EXPECT_NEAR(w[2]->value.flat<float>()[1], 0.0230484f, 1e-7);   // layer-2/kernel
  EXPECT_NEAR(w[5]->value.flat<float>()[0], -0.0052851f, 1e-7);  // layer-4/bias
  EXPECT_EQ(model.optimizer()->iterations(), 3584);
  for (const nn::Variable* slot : model.optimizer()->variables()) {
    if (slot->name == "dense/kernel/m" || slot->name.ends_with("/kernel/m")) {
      EXPECT_NE(slot->value.flat<float>()[0], 0.0f) << slot->name << " restored";
      break;
    }
  }
  Sequential smaller({Dense(64, {.input_shape = Shape{18}}), Dropout(0.1), Dense(1)});
  try {
    smaller.load_weights(prefix);
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("layer-0/kernel"));
    EXPECT_THAT(e.what(), HasSubstr("unexpected 'layer-4/kernel"));
  }
}

// TF 2.0/2.1 keyed layers by their index among all layers ("layer-0/...").
// The scheme is told by the first weight of the first layer with weights,
// not by a kernel: a model that starts with BatchNormalization loads too.
TEST(SaveWeightsTest, LayerIndexCheckpointOfAModelStartingWithBatchNormalizationLoads) {
  cairn::testing::TempDir dir;
  set_random_seed(12);
  Sequential model({BatchNormalization({.input_shape = Shape{3}}), Dense(2)});
  NamedTensors stored;
  Tensor value(DType::kFloat32, {3});
  const char* bn[] = {"gamma", "beta", "moving_mean", "moving_variance"};
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) value.flat<float>()[j] = 0.5f + i + 0.25f * j;
    stored.emplace_back(object_variable_key(std::string("layer-0/") + bn[i]), value);
  }
  Tensor kernel(DType::kFloat32, {3, 2}), bias(DType::kFloat32, {2});
  for (int j = 0; j < 6; ++j) kernel.flat<float>()[j] = 0.1f * static_cast<float>(j);
  bias.flat<float>()[0] = -1, bias.flat<float>()[1] = 1;
  stored.emplace_back(object_variable_key("layer-1/kernel"), kernel);
  stored.emplace_back(object_variable_key("layer-1/bias"), bias);
  save_variables(dir.path() + "/tf21", stored);
  model.load_weights(dir.path() + "/tf21");
  EXPECT_EQ(model.weights()[2]->value.flat<float>()[1], 2.75f);  // moving_mean[1]
  EXPECT_TRUE(model.weights()[4]->value == kernel);
  EXPECT_TRUE(model.weights()[5]->value == bias);
}

}  // namespace
}  // namespace cairn::keras
