// keras::convert between checkpoints, Keras .h5 and safetensors: round trips
// bit for bit (every tensor's bytes), the .h5 -> checkpoint names checked
// against the model's own load_weights, TensorFlow- and Keras-written
// fixtures, and the refusals (existing output, unknown extension, missing
// input, a direction the input cannot support).
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/object_graph.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/formats/safetensors/safetensors_reader.h"
#include "cairn/formats/safetensors/safetensors_writer.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/keras/convert.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using testing::small_classifier;

// Every tensor of the checkpoint `prefix`: name -> (dtype, shape, stored bytes).
std::map<std::string, std::string> bundle_bytes(const std::string& prefix, FileSystem& fs) {
  CheckpointReader reader(prefix, fs);
  std::map<std::string, std::string> out;
  for (const BundleEntry& e : reader.bundle().entries()) {
    if (!has_values(e.dtype)) continue;
    out[e.name] = std::string(dtype_name(e.dtype)) + e.shape.to_string() + ":" +
                  value_or_throw(reader.bundle().read_raw(e.name));
  }
  return out;
}

NamedTensors sample_tensors() {
  return {{"dense/kernel", Tensor::from_vector<float>({0.5f, -1.0f, 1e-30f, 3.25f}, {2, 2})},
          {"dense/bias", Tensor::from_vector<double>({0.1, -0.2}, {2})},
          {"global_step", Tensor::scalar<int64_t>(1234567890123)},
          {"flags", Tensor::from_vector<bool>({true, false, true}, {3})},
          {"h", Tensor::from_vector<half>({half::from_float(-2.5f)}, {1})},
          {"b", Tensor::from_vector<bfloat16>({bfloat16::from_float(7.0f)}, {1})},
          {"empty", Tensor(DType::kInt32, {0, 3})},
          {"vocab", Tensor::from_strings({"a", std::string("\0\xff", 2), ""}, {3})},
          {"_CHECKPOINTABLE_OBJECT_GRAPH", Tensor::from_strings({"\x0a\x02\x08\x01"}, {})}};
}

TEST(ConvertTest, CheckpointToSafetensorsToCheckpointIsBitExact) {
  MemoryFileSystem fs;
  save_variables("/in/model.ckpt-7", sample_tensors(), {}, fs);
  convert("/in/model.ckpt-7", "/w.safetensors", {.fs = &fs});
  auto st = value_or_throw(SafetensorsReader::open(fs, "/w.safetensors"));
  EXPECT_NE(st->find("dense/kernel"), nullptr) << "names are kept as they are";
  EXPECT_EQ(st->find("vocab"), nullptr) << "strings travel in the metadata";
  EXPECT_EQ(st->metadata().count("cairn.string_tensor/vocab"), 1u);
  convert("/w.safetensors", "/out/model.ckpt-7", {.fs = &fs});
  EXPECT_EQ(bundle_bytes("/out/model.ckpt-7", fs), bundle_bytes("/in/model.ckpt-7", fs));
  EXPECT_EQ(bundle_bytes("/out/model.ckpt-7", fs).size(), sample_tensors().size());
}

TEST(ConvertTest, ADirectoryMeansItsNewestCheckpoint) {
  MemoryFileSystem fs;
  save_variables("/dir/model.ckpt-1", {{"x", Tensor::scalar<float>(1)}}, {}, fs);
  save_variables("/dir/model.ckpt-2", {{"x", Tensor::scalar<float>(2)}}, {}, fs);
  convert("/dir", "/x.safetensors", {.fs = &fs});
  WeightsFile w = read_weights_file("/x.safetensors", fs);
  ASSERT_EQ(w.tensors.size(), 1u);
  EXPECT_EQ(w.tensors[0].second.flat<float>()[0], 2.0f);
}

// A trained model saved whole as .h5: config, weights, Adam's iter and slots.
void save_trained_h5(FileSystem& fs, const std::string& path, Sequential& model) {
  auto [x, y] = blobs(30, 3);
  model.set_file_system(fs);
  model.fit(x, y, {.epochs = 2, .verbose = 0});
  model.save(path);
}

void expect_same_h5(const KerasH5File& a, const KerasH5File& b) {
  EXPECT_EQ(a.keras_version, b.keras_version);
  EXPECT_EQ(a.backend, b.backend);
  EXPECT_EQ(a.model_config, b.model_config);
  EXPECT_EQ(a.training_config, b.training_config);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].layer_name, b.layers[i].layer_name);
    ASSERT_EQ(a.layers[i].weights.size(), b.layers[i].weights.size());
    for (size_t j = 0; j < a.layers[i].weights.size(); ++j) {
      EXPECT_EQ(a.layers[i].weights[j].name, b.layers[i].weights[j].name);
      EXPECT_TRUE(a.layers[i].weights[j].value == b.layers[i].weights[j].value);
    }
  }
  ASSERT_EQ(a.optimizer_weights.size(), b.optimizer_weights.size());
  for (size_t i = 0; i < a.optimizer_weights.size(); ++i) {
    EXPECT_EQ(a.optimizer_weights[i].name, b.optimizer_weights[i].name);
    EXPECT_TRUE(a.optimizer_weights[i].value == b.optimizer_weights[i].value);
  }
}

TEST(ConvertTest, H5ToSafetensorsToH5IsBitExact) {
  MemoryFileSystem fs;
  Sequential model = small_classifier();
  save_trained_h5(fs, "/m.h5", model);
  convert("/m.h5", "/m.safetensors", {.fs = &fs});
  convert("/m.safetensors", "/back.h5", {.fs = &fs});
  const KerasH5File original = value_or_throw(read_keras_h5("/m.h5", fs));
  ASSERT_FALSE(original.optimizer_weights.empty());
  ASSERT_FALSE(original.model_config.empty());
  expect_same_h5(original, value_or_throw(read_keras_h5("/back.h5", fs)));
}

TEST(ConvertTest, H5WeightsGetTheKeysTfKerasSaveWeightsUses) {
  MemoryFileSystem fs;
  Sequential model = small_classifier();
  save_trained_h5(fs, "/m.h5", model);
  convert("/m.h5", "/ckpt/converted", {.fs = &fs});
  model.save_weights("/ckpt/saved");
  CheckpointReader converted("/ckpt/converted", fs), saved("/ckpt/saved", fs);
  for (const VariableInfo& v : saved.list_variables()) {
    if (v.name.find("/kernel/") == std::string::npos &&
        v.name.find("/bias/") == std::string::npos &&
        v.name != "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE") {
      continue;  // hyperparameters: .h5 files do not hold them
    }
    ASSERT_TRUE(converted.has_tensor(v.name)) << v.name;
    EXPECT_TRUE(converted.get_tensor(v.name) == saved.get_tensor(v.name)) << v.name;
  }
  EXPECT_TRUE(converted.has_tensor(std::string(kObjectGraphKey)));
  Sequential fresh = small_classifier(99);
  fresh.set_file_system(fs);
  fresh.load_weights("/ckpt/converted");
  EXPECT_TRUE(testing::same_weights(fresh, model));
  EXPECT_EQ(fresh.optimizer()->iterations(), model.optimizer()->iterations());
}

TEST(ConvertTest, KerasModelFilesGoThroughTheFrontEnd) {
  MemoryFileSystem fs;
  Sequential model = small_classifier();
  save_trained_h5(fs, "/m.h5", model);
  convert("/m.h5", "/m.keras", {.fs = &fs});  // load_model, then model.save
  convert("/m.keras", "/k.safetensors", {.fs = &fs});
  convert("/m.h5", "/h.safetensors", {.fs = &fs});
  const WeightsFile from_keras = read_weights_file("/k.safetensors", fs);
  const WeightsFile from_h5 = read_weights_file("/h.safetensors", fs);
  int compared = 0;
  for (const auto& [name, tensor] : from_keras.tensors) {
    if (!name.starts_with("layer_with_weights-")) continue;
    auto same = std::find_if(from_h5.tensors.begin(), from_h5.tensors.end(),
                             [&](const auto& t) { return t.first == name; });
    ASSERT_NE(same, from_h5.tensors.end()) << name;
    EXPECT_TRUE(same->second == tensor) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 12) << "4 weights and 8 Adam slots";
  save_variables("/in/model.ckpt-7", sample_tensors(), {}, fs);
  EXPECT_THROW(convert("/in/model.ckpt-7", "/x.keras", {.fs = &fs}), UnimplementedError);
}

TEST(ConvertTest, Keras3WeightsFilesAreReadByTheirPaths) {
  MemoryFileSystem fs;
  Sequential model = small_classifier();
  save_trained_h5(fs, "/m.h5", model);
  model.save_weights("/m.weights.h5");  // through the model's file system
  const WeightsFile read = read_weights_file("/m.weights.h5", fs);
  auto find = [&](const std::string& name) -> const Tensor* {
    for (const auto& [n, t] : read.tensors) {
      if (n == name) return &t;
    }
    return nullptr;
  };
  const Tensor* kernel = find("layers/dense/vars/0");
  ASSERT_NE(kernel, nullptr);
  EXPECT_TRUE(*kernel == model.layers()[0]->weights()[0]->value);
  ASSERT_NE(find("optimizer/vars/0"), nullptr) << "the iterations";
  EXPECT_EQ(find("optimizer/vars/0")->flat<int64_t>()[0], model.optimizer()->iterations());
  convert("/m.weights.h5", "/w.safetensors", {.fs = &fs});
  const WeightsFile back = read_weights_file("/w.safetensors", fs);
  EXPECT_EQ(back.tensors.size(), read.tensors.size());
}

TEST(ConvertTest, H5FromAKerasCheckpointTakesTheNamesItsObjectGraphRecords) {
  MemoryFileSystem fs;
  Sequential model = small_classifier();
  save_trained_h5(fs, "/m.h5", model);
  model.save_weights("/ckpt/saved");  // TF format: object-based keys and the object graph
  convert("/ckpt/saved", "/from_ckpt.h5", {.fs = &fs});
  const KerasH5File h5 = value_or_throw(read_keras_h5("/from_ckpt.h5", fs));
  ASSERT_EQ(h5.layers.size(), 2u) << "the layers with weights";
  EXPECT_EQ(h5.layers[0].weights[0].name, model.layers()[0]->weights()[0]->name + ":0");
  EXPECT_EQ(h5.layers[0].weights[1].name, model.layers()[0]->weights()[1]->name + ":0");
  EXPECT_TRUE(h5.optimizer_weights.empty()) << "a weights-only .h5";
  Sequential fresh = small_classifier(99);
  fresh.set_file_system(fs);
  fresh.load_weights("/from_ckpt.h5");
  EXPECT_TRUE(testing::same_weights(fresh, model));
}

TEST(ConvertTest, H5FromACheckpointWithoutObjectGraphIsRefusedForWantOfLayerNames) {
  MemoryFileSystem fs;
  NamedTensors tensors = sample_tensors();
  tensors.pop_back();  // the object graph
  save_variables("/in/model.ckpt-7", tensors, {}, fs);
  EXPECT_THROW(convert("/in/model.ckpt-7", "/x.h5", {.fs = &fs}), UnimplementedError);
  EXPECT_FALSE(fs.file_exists("/x.h5"));
}

TEST(ConvertTest, RefusesToOverwriteUnlessForced) {
  MemoryFileSystem fs;
  save_variables("/in/model.ckpt-7", sample_tensors(), {}, fs);
  ASSERT_TRUE(fs.write_file_atomically("/w.safetensors", "precious").ok());
  EXPECT_THROW(convert("/in/model.ckpt-7", "/w.safetensors", {.fs = &fs}), AlreadyExistsError);
  EXPECT_EQ(*fs.read_file("/w.safetensors"), "precious");
  convert("/in/model.ckpt-7", "/w.safetensors", {.force = true, .fs = &fs});
  EXPECT_NE(*fs.read_file("/w.safetensors"), "precious");
  EXPECT_THROW(convert("/w.safetensors", "/in/model.ckpt-7", {.fs = &fs}), AlreadyExistsError);
}

TEST(ConvertTest, UnknownExtensionsAndMissingInputsAreNamed) {
  MemoryFileSystem fs;
  save_variables("/in/model.ckpt-7", sample_tensors(), {}, fs);
  try {
    convert("/in/model.ckpt-7", "/w.pt", {.fs = &fs});
    FAIL() << "accepted .pt";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("/w.pt"), std::string::npos) << e.what();
  }
  convert("/in/model.ckpt-7", "/w.pt", {.format = WeightsFormat::kSafetensors, .fs = &fs});
  EXPECT_EQ(read_weights_file("/in/model.ckpt-7", fs).tensors.size(), sample_tensors().size());
  EXPECT_TRUE(fs.file_exists("/w.pt"));
  EXPECT_THROW(convert("/nope.safetensors", "/x.h5", {.fs = &fs}), NotFoundError);
  EXPECT_THROW(convert("/nope/model.ckpt-1", "/x.safetensors", {.fs = &fs}), NotFoundError);
}

TEST(ConvertTest, FormatNamesAndPaths) {
  EXPECT_EQ(weights_format_of_path("a/model.ckpt-200"), WeightsFormat::kCheckpoint);
  EXPECT_EQ(weights_format_of_path("training/cp-0001.ckpt"), WeightsFormat::kCheckpoint);
  EXPECT_EQ(weights_format_of_path("a/model.ckpt-200.index"), WeightsFormat::kCheckpoint);
  EXPECT_EQ(weights_format_of_path("ckpt"), WeightsFormat::kCheckpoint);
  EXPECT_EQ(weights_format_of_path("m.h5"), WeightsFormat::kH5);
  EXPECT_EQ(weights_format_of_path("m.weights.h5"), WeightsFormat::kKerasWeights);
  EXPECT_EQ(weights_format_of_path("m.keras"), WeightsFormat::kKerasModel);
  EXPECT_EQ(weights_format_of_path("m.safetensors"), WeightsFormat::kSafetensors);
  EXPECT_EQ(weights_format_of_path("m.pt"), std::nullopt);
  EXPECT_EQ(weights_format_from_name("tf"), WeightsFormat::kCheckpoint);
  for (auto f : {WeightsFormat::kCheckpoint, WeightsFormat::kH5, WeightsFormat::kSafetensors,
                 WeightsFormat::kKerasModel, WeightsFormat::kKerasWeights}) {
    EXPECT_EQ(weights_format_from_name(weights_format_name(f)), f);
  }
}

TEST(ConvertTest, AMalformedStringTensorInTheMetadataIsDataLossNamingIt) {
  MemoryFileSystem fs;
  Tensor x = Tensor::scalar<float>(1);
  std::vector<SafetensorsTensor> tensors = {{"x", &x}};
  for (const char* bad : {"{\"shape\": [2], \"hex\": [\"61\"]}", "{\"hex\": []}",
                          "{\"shape\": [], \"hex\": [\"6\"]}", "not json"}) {
    ASSERT_TRUE(
        write_safetensors(fs, "/s.safetensors", tensors, {{"cairn.string_tensor/v", bad}}).ok());
    try {
      read_weights_file("/s.safetensors", fs);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("cairn.string_tensor/v"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("/s.safetensors"), std::string::npos) << e.what();
    }
  }
}

// TensorFlow- and Keras-written files, when ../shared/fixtures is present.
TEST(ConvertTest, FixturesRoundTripBitExact) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  FileSystem& disk = default_file_system();
  cairn::testing::TempDir dir;
  const std::string ckpt = *fixtures + "/tf-guide-checkpoints-james/tf_ckpts/ckpt-40";
  const Converted to_st = convert(ckpt, dir.path() + "/c.safetensors");
  EXPECT_EQ(to_st.skipped.size(), 1u) << "the iterator's variant state";
  convert(dir.path() + "/c.safetensors", dir.path() + "/c-40");
  EXPECT_EQ(bundle_bytes(dir.path() + "/c-40", disk), bundle_bytes(ckpt, disk));
  for (const char* h5 :
       {"/keras-iris-martinrep/iris_model.h5", "/keras-iris-thisaramanohara/iris_weights.h5"}) {
    const std::string in = *fixtures + h5;
    const std::string st = dir.path() + "/" + basename(in) + ".safetensors";
    convert(in, st);
    convert(st, dir.path() + "/" + basename(in));
    expect_same_h5(value_or_throw(read_keras_h5(in)),
                   value_or_throw(read_keras_h5(dir.path() + "/" + basename(in))));
  }
}

}  // namespace
}  // namespace cairn::keras
