// Whole models and weights in Keras HDF5: h5py (a reader we did not write)
// checks the layout, configs and values of our files; round trips keep
// predictions and optimizer state (one more epoch after save/load equals one
// more epoch without, bit for bit); mismatches are listed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using ::testing::HasSubstr;
using testing::same_weights;
using testing::small_classifier;

// Prints, as JSON, what h5py sees in `path`.
constexpr const char* kH5pyListing = R"(
import json, sys, h5py
def text(v): return v.decode() if isinstance(v, bytes) else str(v)
f = h5py.File(sys.argv[1], 'r')
out = {'attrs': {k: text(f.attrs[k]) for k in ('keras_version', 'backend', 'model_config', 'training_config')},
       'layer_names': [text(n) for n in f['model_weights'].attrs['layer_names']],
       'weight_names': {}, 'values': {},
       'optimizer': [text(n) for n in f['optimizer_weights'].attrs['weight_names']]}
for layer in out['layer_names']:
    names = [text(n) for n in f['model_weights'][layer].attrs['weight_names']]
    out['weight_names'][layer] = names
    for n in names:
        out['values'][layer + '/' + n] = f['model_weights'][layer][n][()].flatten().tolist()
out['iter'] = int(f['optimizer_weights']['Adam/iter:0'][()])
print(json.dumps(out))
)";

TEST(ModelH5Test, H5pyReadsOurWholeModel) {
  if (!cairn::testing::python_has_modules("h5py")) GTEST_SKIP() << "/usr/bin/python3 lacks h5py";
  cairn::testing::TempDir dir;
  clear_session();
  auto [x, y] = blobs(40, 1);
  Sequential model = small_classifier();
  model.fit(x, y, {.epochs = 1, .verbose = 0});
  model.save(dir.path() + "/my_model.h5");
  std::ofstream(dir.path() + "/list.py") << kH5pyListing;
  auto run = cairn::testing::run_command("/usr/bin/python3 " + dir.path() + "/list.py " +
                                         dir.path() + "/my_model.h5");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["attrs"]["backend"], "tensorflow");
  auto config = nlohmann::json::parse(doc["attrs"]["model_config"].get<std::string>());
  EXPECT_EQ(config["class_name"], "Sequential");
  const auto& layers = config["config"]["layers"];
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0]["class_name"], "InputLayer");
  EXPECT_EQ(layers[1]["class_name"], "Dense");
  EXPECT_EQ(layers[1]["config"]["units"], 16);
  EXPECT_EQ(layers[1]["config"]["activation"], "relu");
  EXPECT_EQ(layers[2]["config"]["rate"], 0.1);
  auto training = nlohmann::json::parse(doc["attrs"]["training_config"].get<std::string>());
  EXPECT_EQ(training["loss"], "sparse_categorical_crossentropy");
  EXPECT_EQ(training["optimizer_config"]["class_name"], "Adam");
  EXPECT_DOUBLE_EQ(training["optimizer_config"]["config"]["learning_rate"], 0.01);
  EXPECT_EQ(doc["layer_names"], nlohmann::json({"dense", "dropout", "dense_1"}));
  EXPECT_EQ(doc["weight_names"]["dense"], nlohmann::json({"dense/kernel:0", "dense/bias:0"}));
  EXPECT_EQ(doc["weight_names"]["dropout"], nlohmann::json::array());
  const auto kernel = doc["values"]["dense/dense/kernel:0"];
  const Tensor& ours = model.weights()[0]->value;
  ASSERT_EQ(kernel.size(), static_cast<size_t>(ours.num_elements()));
  for (size_t i = 0; i < kernel.size(); ++i)
    EXPECT_EQ(kernel[i].get<float>(), ours.flat<float>()[i]);
  EXPECT_EQ(doc["optimizer"][0], "Adam/iter:0");
  EXPECT_EQ(doc["optimizer"][1], "Adam/dense/kernel/m:0");
  EXPECT_EQ(doc["optimizer"].size(), 9u);  // iter + m, v for 4 variables
  EXPECT_EQ(doc["iter"], 2);
}

TEST(ModelH5Test, LoadModelThenOneEpochEqualsOneEpochWithoutSaving) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(90, 2);
  Sequential model = small_classifier(8);
  model.fit(x, y, {.epochs = 2, .verbose = 0});
  model.save(dir.path() + "/m.h5");
  Sequential loaded = load_model(dir.path() + "/m.h5");
  EXPECT_TRUE(loaded.predict(x) == model.predict(x));
  EXPECT_EQ(loaded.summary_string().substr(loaded.summary_string().find('\n')),
            model.summary_string().substr(model.summary_string().find('\n')));
  EXPECT_EQ(loaded.optimizer()->iterations(), model.optimizer()->iterations());
  loaded.set_seed(model.seed());
  model.fit(x, y, {.epochs = 3, .verbose = 0, .initial_epoch = 2});
  loaded.fit(x, y, {.epochs = 3, .verbose = 0, .initial_epoch = 2});
  EXPECT_TRUE(same_weights(model, loaded));
}

TEST(ModelH5Test, WeightsOnlyRoundTripAndMismatchReport) {
  cairn::testing::TempDir dir;
  Sequential a = small_classifier(3);
  a.save_weights(dir.path() + "/w.h5");
  Sequential b = small_classifier(4);
  b.load_weights(dir.path() + "/w.h5");
  EXPECT_TRUE(same_weights(a, b));
  Sequential other({Dense(8, {.input_shape = Shape{4}}), Dense(2), Dense(3)});
  try {
    other.load_weights(dir.path() + "/w.h5");
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("3 layers with weights"));
    EXPECT_THAT(e.what(), HasSubstr("[4, 16]"));
    EXPECT_THAT(e.what(), HasSubstr("w.h5"));
  }
  EXPECT_THROW(load_model(dir.path() + "/w.h5"), InvalidArgumentError);  // weights only
  EXPECT_THROW(load_model(dir.path() + "/absent.h5"), NotFoundError);
}

// Keras 2.14 names its optimizer weights as TF 2 does ("Adam/iter:0",
// "Adam/dense/kernel/m:0"): load_model restores them, so training goes on
// from Keras's state.
TEST(ModelH5Test, LoadModelRestoresKerasOptimizerState) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  Sequential model = load_model(*fixtures + "/keras214-iris-ahmedraza/iris_model.h5");
  ASSERT_TRUE(model.compiled());
  EXPECT_EQ(model.compile_options().optimizer.class_name(), "Adam");
  ASSERT_NE(model.optimizer(), nullptr);
  EXPECT_EQ(model.optimizer()->iterations(), 2400);
  bool found = false;
  for (const nn::Variable* slot : model.optimizer()->variables()) {
    if (slot->name == "dense/bias/m") {
      EXPECT_NEAR(slot->value.flat<float>()[0], -0.0237079f, 1e-7);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(model.input_shape(), Shape{4});
  EXPECT_EQ(model.layers().size(), 2u);
}

}  // namespace
}  // namespace cairn::keras
