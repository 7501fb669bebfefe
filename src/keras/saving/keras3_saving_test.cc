// Keras 3 files: the .keras archive Keras 3.10 wrote loads and predicts as
// its .h5 twin does; our .keras, its unzipped directory and our .weights.h5
// are read by Python's zipfile and h5py with Keras 3's structure; round
// trips are bit-exact (optimizer state included); sharded .weights.json
// loads; safe_mode refuses Python code; damaged archives and models that do
// not match give errors naming the file and the entry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/formats/zip/zip_archive.h"
#include "cairn/io/memory_file_system.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using ::testing::HasSubstr;
using testing::same_weights;
using testing::small_classifier;

Sequential trained_classifier() {
  clear_session();
  auto [x, y] = blobs(60, 1);
  Sequential model = small_classifier();
  model.fit(x, y, {.epochs = 2, .verbose = 0});
  return model;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(Keras3SavingTest, FixtureKerasArchiveLoadsLikeItsH5Twin) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/keras3-iris-nojan/";
  Sequential archive = load_model(dir + "iris_model.keras");
  Sequential twin = load_model(dir + "iris_model.h5");
  EXPECT_EQ(archive.name(), "sequential_12");
  ASSERT_EQ(archive.layers().size(), 3u);
  EXPECT_EQ(archive.layers()[2]->name(), "dense_37");
  EXPECT_TRUE(same_weights(archive, twin));  // SOURCES.md: bit-identical
  const Tensor bias = archive.weights().back()->value;
  EXPECT_NEAR(bias.flat<float>()[0], 0.0302269f, 1e-7);
  EXPECT_NEAR(bias.flat<float>()[2], -0.2817697f, 1e-7);
  ASSERT_TRUE(archive.compiled());
  EXPECT_EQ(archive.optimizer()->name(), "Adam");  // from optimizer/vars' name "adam"
  EXPECT_EQ(archive.optimizer()->iterations(), 1200);
  auto [x, y] = blobs(9, 3);
  EXPECT_TRUE(archive.predict(x) == twin.predict(x));
}

TEST(Keras3SavingTest, SaveLoadRoundTripIsBitExactAndResumesTraining) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  model.save(dir.path() + "/iris.keras");
  Sequential back = load_model(dir.path() + "/iris.keras");
  EXPECT_TRUE(same_weights(model, back));
  EXPECT_EQ(back.optimizer()->iterations(), model.optimizer()->iterations());
  EXPECT_EQ(back.compile_options().metrics, model.compile_options().metrics);
  // Optimizer state restored: one more epoch on each gives the same weights.
  auto [x, y] = blobs(60, 1);
  back.set_seed(model.seed());
  model.fit(x, y, {.epochs = 3, .verbose = 0, .initial_epoch = 2});
  back.fit(x, y, {.epochs = 3, .verbose = 0, .initial_epoch = 2});
  EXPECT_TRUE(same_weights(model, back));
}

TEST(Keras3SavingTest, UnzippedDirectoryRoundTrips) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  const std::string path = dir.path() + "/iris.keras";
  model.save(path, {.zipped = false});
  for (const char* entry : {"metadata.json", "config.json", "model.weights.h5"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(path + "/" + entry)) << entry;
  }
  Sequential back = load_model(path);
  EXPECT_TRUE(same_weights(model, back));
}

// Prints, as JSON, what Python's zipfile and h5py see in a .keras archive.
constexpr const char* kKerasListing = R"(
import io, json, sys, zipfile, h5py
z = zipfile.ZipFile(sys.argv[1])
f = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')
groups, shapes = {}, {}
def visit(name, obj):
    if isinstance(obj, h5py.Group) and name.endswith('vars'):
        groups[name] = obj.attrs['name'] if 'name' in obj.attrs else None
    if isinstance(obj, h5py.Dataset):
        shapes[name] = list(obj.shape)
f.visititems(visit)
print(json.dumps({'entries': [i.filename for i in z.infolist()],
                  'stored': all(i.compress_type == 0 for i in z.infolist()),
                  'metadata': json.loads(z.read('metadata.json')),
                  'config': json.loads(z.read('config.json')),
                  'groups': {k: (v.decode() if isinstance(v, bytes) else v) for k, v in groups.items()},
                  'shapes': shapes, 'iterations': int(f['optimizer/vars/0'][()])}))
)";

TEST(Keras3SavingTest, PythonReadsOurArchiveWithKeras3Structure) {
  if (!cairn::testing::python_has_modules("h5py")) GTEST_SKIP() << "/usr/bin/python3 lacks h5py";
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  model.save(dir.path() + "/iris.keras");
  std::ofstream(dir.path() + "/list.py") << kKerasListing;
  auto run = cairn::testing::run_command("/usr/bin/python3 " + dir.path() + "/list.py " +
                                         dir.path() + "/iris.keras");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["entries"], (nlohmann::json{"metadata.json", "config.json", "model.weights.h5"}));
  EXPECT_TRUE(doc["stored"].get<bool>());
  EXPECT_EQ(doc["metadata"]["keras_version"], "3.10.0");
  EXPECT_TRUE(doc["metadata"].contains("date_saved"));
  const auto& config = doc["config"];
  EXPECT_EQ(config["module"], "keras");
  EXPECT_EQ(config["class_name"], "Sequential");
  EXPECT_TRUE(config["registered_name"].is_null());
  EXPECT_EQ(config["build_config"]["input_shape"], (nlohmann::json{nullptr, 4}));
  EXPECT_EQ(config["compile_config"]["loss"], "sparse_categorical_crossentropy");
  EXPECT_EQ(config["compile_config"]["optimizer"]["class_name"], "Adam");
  const auto& layers = config["config"]["layers"];
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0]["class_name"], "InputLayer");
  EXPECT_EQ(layers[0]["config"]["batch_shape"], (nlohmann::json{nullptr, 4}));
  EXPECT_EQ(layers[1]["module"], "keras.layers");
  EXPECT_EQ(layers[1]["config"]["dtype"]["class_name"], "DTypePolicy");
  EXPECT_EQ(layers[3]["build_config"]["input_shape"], (nlohmann::json{nullptr, 16}));
  const nlohmann::json groups{{"vars", model.name()},
                              {"layers/dense/vars", model.layers()[0]->name()},
                              {"layers/dropout/vars", model.layers()[1]->name()},
                              {"layers/dense_1/vars", model.layers()[2]->name()},
                              {"optimizer/vars", "adam"}};
  EXPECT_EQ(doc["groups"], groups);
  EXPECT_EQ(doc["shapes"]["layers/dense/vars/0"], (nlohmann::json{4, 16}));
  EXPECT_EQ(doc["shapes"]["layers/dense_1/vars/1"], (nlohmann::json{3}));
  EXPECT_EQ(doc["shapes"].size(), 4u + 2u + 8u);  // weights, iterations and lr, Adam's m and v
  EXPECT_EQ(doc["iterations"].get<int64_t>(), model.optimizer()->iterations());
}

TEST(Keras3SavingTest, SaveWeightsWritesKeras3LayoutAndLoadsBack) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  const std::string path = dir.path() + "/iris.weights.h5";
  model.save_weights(path);
  if (cairn::testing::python_has_modules("h5py")) {
    auto run = cairn::testing::run_command(
        "/usr/bin/python3 -c \"import sys, h5py; f = h5py.File(sys.argv[1], 'r'); "
        "print(sorted(f['layers'].keys()), list(f['layers/dense/vars'].keys()))\" " +
        path);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "['dense', 'dense_1', 'dropout'] ['0', '1']\n");
  }
  clear_session();
  Sequential fresh = small_classifier(99);
  EXPECT_FALSE(same_weights(model, fresh));
  fresh.load_weights(path);
  EXPECT_TRUE(same_weights(model, fresh));
  EXPECT_EQ(fresh.optimizer()->iterations(), model.optimizer()->iterations());
}

// Splits a .weights.h5 into two shards and a manifest as Keras 3.10's
// ShardedH5IOStore does: the first kernel alone in shard 0, the rest
// (including the first layer's bias, vars/1) in shard 1.
constexpr const char* kShard = R"(
import json, sys, h5py
src, base = h5py.File(sys.argv[1], 'r'), sys.argv[2]
names = [base + '_00000.weights.h5', base + '_00001.weights.h5']
shards = [h5py.File(sys.argv[3] + '/' + n, 'w') for n in names]
weight_map = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset):
        shard = 0 if name == 'layers/dense/vars/0' else 1
        group = shards[shard].require_group(name.rsplit('/', 1)[0])
        group.attrs.update(obj.parent.attrs)
        group[name.rsplit('/', 1)[1]] = obj[()]
        weight_map.setdefault('/' + name.rsplit('/', 1)[0], names[shard])
src.visititems(visit)
json.dump({'metadata': {'total_size': 0}, 'weight_map': weight_map},
          open(sys.argv[3] + '/' + base + '.weights.json', 'w'), indent=4)
)";

TEST(Keras3SavingTest, ShardedWeightsJsonLoads) {
  if (!cairn::testing::python_has_modules("h5py")) GTEST_SKIP() << "/usr/bin/python3 lacks h5py";
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  model.save_weights(dir.path() + "/whole.weights.h5");
  std::ofstream(dir.path() + "/shard.py") << kShard;
  auto run = cairn::testing::run_command("/usr/bin/python3 " + dir.path() + "/shard.py " +
                                         dir.path() + "/whole.weights.h5 iris " + dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  clear_session();
  Sequential fresh = small_classifier(99);
  fresh.load_weights(dir.path() + "/iris.weights.json");
  EXPECT_TRUE(same_weights(model, fresh));
  EXPECT_EQ(fresh.optimizer()->iterations(), model.optimizer()->iterations());
  std::filesystem::remove(dir.path() + "/iris_00001.weights.h5");
  EXPECT_THROW(fresh.load_weights(dir.path() + "/iris.weights.json"), NotFoundError);
}

// A .keras archive of `config` with the weights of `model`.
std::string archive_with_config(Sequential& model, const nlohmann::ordered_json& config,
                                const std::string& dir) {
  model.save(dir + "/base.keras");
  ZipReader base = value_or_throw(ZipReader::open(read_bytes(dir + "/base.keras"), "base"));
  return value_or_throw(
      write_zip({{"metadata.json", R"({"keras_version": "3.10.0"})"},
                 {"config.json", config.dump()},
                 {"model.weights.h5", value_or_throw(base.read("model.weights.h5", 1 << 24))}}));
}

nlohmann::ordered_json config_of(const std::string& dir) {
  ZipReader zip = value_or_throw(ZipReader::open(read_bytes(dir + "/base.keras"), "base"));
  return nlohmann::ordered_json::parse(value_or_throw(zip.read("config.json", 1 << 20)));
}

TEST(Keras3SavingTest, SafeModeRefusesLambdaAndCustomLayers) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  model.save(dir.path() + "/base.keras");
  nlohmann::ordered_json lambda = config_of(dir.path());
  lambda["config"]["layers"][2] = {
      {"module", "keras.layers"},
      {"class_name", "Lambda"},
      {"config", {{"name", "double_it"}, {"function", {{"class_name", "__lambda__"}}}}},
      {"registered_name", nullptr}};
  const std::string path = dir.path() + "/lambda.keras";
  write_bytes(path, archive_with_config(model, lambda, dir.path()));
  try {
    load_model(path);
    FAIL() << "a Lambda layer loaded";
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("layer 'double_it' is a Lambda layer"));
    EXPECT_THAT(e.what(), HasSubstr("holds Python code"));
  }
  // Without safe_mode, the Lambda is still no layer cairn has.
  EXPECT_THROW(load_model(path, {.safe_mode = false}), InvalidArgumentError);

  nlohmann::ordered_json custom = config_of(dir.path());
  custom["config"]["layers"][1]["module"] = "my_project.layers";
  custom["config"]["layers"][1]["registered_name"] = "MyProject>Dense";
  const std::string custom_path = dir.path() + "/custom.keras";
  write_bytes(custom_path, archive_with_config(model, custom, dir.path()));
  try {
    load_model(custom_path);
    FAIL() << "a custom layer loaded";
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("custom class 'Dense' from module 'my_project.layers'"));
  }
  Sequential trusted = load_model(custom_path, {.safe_mode = false});
  EXPECT_TRUE(same_weights(model, trusted));
}

// model.build((None, 4)) without an Input: only build_input_shape says the input.
TEST(Keras3SavingTest, ModelWithoutInputLayerIsBuiltFromBuildInputShape) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  model.save(dir.path() + "/base.keras");
  nlohmann::ordered_json config = config_of(dir.path());
  config["config"]["layers"].erase(0);
  const std::string path = dir.path() + "/built.keras";
  write_bytes(path, archive_with_config(model, config, dir.path()));
  Sequential back = load_model(path);
  EXPECT_EQ(back.input_shape(), Shape{4});
  EXPECT_TRUE(same_weights(model, back));
}

TEST(Keras3SavingTest, DamagedArchivesNameTheFileAndEntry) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  const std::string good = dir.path() + "/good.keras";
  model.save(good);
  const std::string bytes = read_bytes(good);
  write_bytes(dir.path() + "/cut.keras", bytes.substr(0, bytes.size() / 2));
  try {
    load_model(dir.path() + "/cut.keras");
    FAIL();
  } catch (const DataLossError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cut.keras: not a valid ZIP archive"));
  }
  ZipReader zip = value_or_throw(ZipReader::open(bytes, good));
  write_bytes(dir.path() + "/noconfig.keras",
              value_or_throw(write_zip(
                  {{"metadata.json", "{}"},
                   {"model.weights.h5", value_or_throw(zip.read("model.weights.h5", 1 << 24))}})));
  try {
    load_model(dir.path() + "/noconfig.keras");
    FAIL();
  } catch (const DataLossError& e) {
    EXPECT_THAT(e.what(), HasSubstr("noconfig.keras: no config.json"));
  }
  std::string flipped = bytes;
  flipped[flipped.find("\"layers\"") + 2] ^= 0x20;  // inside config.json: its CRC fails
  write_bytes(dir.path() + "/flip.keras", flipped);
  try {
    load_model(dir.path() + "/flip.keras");
    FAIL();
  } catch (const DataLossError& e) {
    EXPECT_THAT(e.what(), HasSubstr("flip.keras: entry 'config.json'"));
  }
}

TEST(Keras3SavingTest, ModelThatDoesNotMatchGetsTheFullReport) {
  cairn::testing::TempDir dir;
  Sequential model = trained_classifier();
  const std::string path = dir.path() + "/iris.weights.h5";
  model.save_weights(path);
  clear_session();
  Sequential wider({Dense(8, {.activation = "relu", .input_shape = Shape{4}}),
                    Dense(3, {.activation = "softmax"}), Dense(3)});
  try {
    wider.load_weights(path);
    FAIL();
  } catch (const InvalidArgumentError& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("does not match checkpoint '" + path + "'"));
    EXPECT_THAT(what, HasSubstr("'layers/dense/vars/0' is float32 [4, 16] but dense/kernel"));
    EXPECT_THAT(what, HasSubstr("'layers/dense_1/vars/0' is float32 [16, 3]"));
    EXPECT_THAT(what, HasSubstr("missing 'layers/dense_2/vars/0'"));
  }
}

// Keras 3's hard_sigmoid is relu6(x + 3) / 6, Keras 2's (cairn's)
// clip(0.2 x + 0.5, 0, 1): a Keras 3 file naming it is refused both ways
// instead of giving other outputs than Keras's; Keras 2 files keep it.
TEST(Keras3SavingTest, HardSigmoidIsRefusedInKeras3FilesAndKeptInKeras2Files) {
  cairn::testing::TempDir dir;
  set_random_seed(3);
  Sequential hard(
      {Dense(5, {.activation = "hard_sigmoid", .input_shape = Shape{4}, .name = "gate"}),
       Dense(2, {.name = "out"})});
  const std::string keras_path = dir.path() + "/hard.keras";
  try {
    hard.save(keras_path);
    FAIL() << "a Keras 3 archive with hard_sigmoid was written";
  } catch (const UnimplementedError& e) {
    EXPECT_THAT(e.what(), HasSubstr("layer 'gate' uses hard_sigmoid"));
    EXPECT_THAT(e.what(), HasSubstr("relu6(x + 3) / 6"));
  }
  EXPECT_FALSE(std::filesystem::exists(keras_path));

  // A Keras 3 archive from elsewhere: our relu model's config edited.
  Sequential model = trained_classifier();
  model.save(dir.path() + "/base.keras");
  nlohmann::ordered_json config = config_of(dir.path());
  config["config"]["layers"][1]["config"]["activation"] = "hard_sigmoid";
  const std::string edited = dir.path() + "/edited.keras";
  write_bytes(edited, archive_with_config(model, config, dir.path()));
  EXPECT_THROW(load_model(edited), UnimplementedError);

  // The same model in Keras 2's .h5 loads and predicts with Keras 2's formula;
  // marked as written by Keras 3, it is refused.
  const std::string h5 = dir.path() + "/hard.h5";
  hard.save(h5);
  Sequential back = load_model(h5);
  auto [x, y] = blobs(8, 4);
  const Tensor ours = hard.predict(x), loaded = back.predict(x);
  ASSERT_EQ(ours.num_elements(), loaded.num_elements());
  for (int64_t i = 0; i < ours.num_elements(); ++i) {
    EXPECT_EQ(ours.flat<float>()[i], loaded.flat<float>()[i]) << i;
  }
  KerasH5File file = value_or_throw(read_keras_h5(h5));
  file.keras_version = "3.4.1";
  throw_if_error(write_keras_h5(h5, file));
  try {
    load_model(h5);
    FAIL() << "a Keras 3 .h5 with hard_sigmoid loaded";
  } catch (const UnimplementedError& e) {
    EXPECT_THAT(e.what(), HasSubstr("layer 'gate' uses hard_sigmoid"));
  }
}

TEST(Keras3SavingTest, ArchiveRoundTripsThroughTheMemoryFileSystem) {
  MemoryFileSystem memory;
  Sequential model = trained_classifier();
  model.set_file_system(memory);
  model.save("/models/iris.keras");
  model.save_weights("/models/iris.weights.h5");
  EXPECT_FALSE(std::filesystem::exists("/models/iris.keras"));
  Sequential back = load_model("/models/iris.keras", memory);
  EXPECT_TRUE(same_weights(model, back));
  back.load_weights("/models/iris.weights.h5");
  EXPECT_TRUE(same_weights(model, back));
}

}  // namespace
}  // namespace cairn::keras
