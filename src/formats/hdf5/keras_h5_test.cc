// Round trips through write_keras_h5/read_keras_h5 (both layouts, every
// dtype, scalars, names with slashes, long name lists), the writer's argument
// checks, and what happens on a full disk. All in a MemoryFileSystem.
#include <gtest/gtest.h>

#include <random>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::contains;

template <typename T>
Tensor counting(TensorShape shape, T start) {
  Tensor t(dtype_of<T>(), std::move(shape));
  for (size_t i = 0; i < t.flat<T>().size(); ++i) t.flat<T>()[i] = static_cast<T>(start + T(i));
  return t;
}

KerasH5File sample_model() {
  KerasH5File file{.keras_version = "2.4.0",
                   .backend = "tensorflow",
                   .model_config = R"({"class_name": "Sequential", "config": {"layers": []}})",
                   .training_config = R"({"loss": "sparse_categorical_crossentropy"})"};
  file.layers.push_back({.layer_name = "dense",
                         .weights = {{"dense/kernel:0", counting<float>({4, 8}, -2.5f)},
                                     {"dense/bias:0", counting<float>({8}, 0.25f)}}});
  file.layers.push_back({.layer_name = "dropout", .weights = {}});
  file.layers.push_back({.layer_name = "dense_1",
                         .weights = {{"dense_1/kernel:0", counting<double>({8, 3}, 1.5)},
                                     {"dense_1/bias:0", counting<double>({3}, -7.0)}}});
  file.optimizer_weights = {{"Adam/iter:0", Tensor::scalar<int64_t>(2400)},
                            {"Adam/dense/kernel/m:0", counting<float>({4, 8}, 0.5f)},
                            {"Adam/dense/bias/m:0", counting<float>({8}, 3.0f)},
                            {"Adam/beta_1:0", Tensor::scalar<float>(0.9f)}};
  return file;
}

void expect_same_weights(const std::vector<H5Weight>& got, const std::vector<H5Weight>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_TRUE(got[i].value == want[i].value) << want[i].name;
  }
}

void expect_same(const KerasH5File& got, const KerasH5File& want) {
  EXPECT_EQ(got.keras_version, want.keras_version);
  EXPECT_EQ(got.backend, want.backend);
  EXPECT_EQ(got.model_config, want.model_config);
  EXPECT_EQ(got.training_config, want.training_config);
  ASSERT_EQ(got.layers.size(), want.layers.size());
  for (size_t i = 0; i < want.layers.size(); ++i) {
    EXPECT_EQ(got.layers[i].layer_name, want.layers[i].layer_name);
    expect_same_weights(got.layers[i].weights, want.layers[i].weights);
  }
  expect_same_weights(got.optimizer_weights, want.optimizer_weights);
}

KerasH5File round_trip(const KerasH5File& file) {
  MemoryFileSystem fs;
  Status written = write_keras_h5("/m/model.h5", file, fs);
  EXPECT_TRUE(written.ok()) << written.to_string();
  Result<KerasH5File> back = read_keras_h5("/m/model.h5", fs);
  EXPECT_TRUE(back.ok()) << back.status().to_string();
  return back.ok() ? *back : KerasH5File{};
}

// save("m.h5") writes HDF5, save("m") / save("cp.ckpt") a TensorFlow checkpoint.
TEST(KerasH5Test, PathsEndingInAnHdf5ExtensionAreH5) {
  for (const char* path : {"m.h5", "dir/m.hdf5", "m.keras", "cp-0003.h5"}) {
    EXPECT_TRUE(is_keras_h5_path(path)) << path;
  }
  for (const char* path : {"m", "cp.ckpt", "m.h5.ckpt", "dir.h5/m", "h5", ""}) {
    EXPECT_FALSE(is_keras_h5_path(path)) << path;
  }
}

TEST(KerasH5Test, WholeModelRoundTrip) {
  const KerasH5File file = sample_model();
  expect_same(round_trip(file), file);
}

TEST(KerasH5Test, WeightsOnlyRoundTrip) {
  KerasH5File file = sample_model();
  file.model_config.clear();
  file.training_config.clear();
  file.optimizer_weights.clear();
  expect_same(round_trip(file), file);
}

TEST(KerasH5Test, EveryDtypeRankAndScalar) {
  KerasH5File file{.keras_version = "2.4.0", .backend = "tensorflow"};
  file.layers.push_back({.layer_name = "mixed",
                         .weights = {{"f32_scalar", Tensor::scalar<float>(-1.25f)},
                                     {"f64_scalar", Tensor::scalar<double>(1e300)},
                                     {"i32_scalar", Tensor::scalar<int32_t>(-7)},
                                     {"i64_scalar", Tensor::scalar<int64_t>(int64_t{1} << 62)},
                                     {"f32_rank3", counting<float>({2, 3, 4}, 0.5f)},
                                     {"f64_rank1", counting<double>({5}, -2.0)},
                                     {"i32_rank2", counting<int32_t>({3, 2}, -3)},
                                     {"i64_rank4", counting<int64_t>({1, 2, 1, 3}, 40)},
                                     {"empty", Tensor(DType::kFloat32, {0, 3})}}});
  const KerasH5File back = round_trip(file);
  expect_same(back, file);
  ASSERT_EQ(back.layers.size(), 1u);
  EXPECT_EQ(back.layers[0].weights[3].value.dtype(), DType::kInt64);
  EXPECT_EQ(back.layers[0].weights[0].value.shape().rank(), 0);
}

TEST(KerasH5Test, NamesWithSlashesNestGroups) {
  KerasH5File file = sample_model();
  file.keras_version = "3.10.0";
  file.layers = {{.layer_name = "dense_35",
                  .weights = {{"sequential_12/dense_35/kernel", counting<float>({4, 2}, 1.0f)},
                              {"sequential_12/dense_35/bias", counting<float>({2}, 0.0f)}}}};
  file.optimizer_weights = {
      {"adam/iteration", Tensor::scalar<int64_t>(1200)},
      {"adam/sequential_12_dense_35_kernel_momentum", counting<float>({4, 2}, 0.0f)}};
  expect_same(round_trip(file), file);
}

TEST(KerasH5Test, RandomizedRoundTrips) {
  std::mt19937 rng(20240601);
  for (int trial = 0; trial < 20; ++trial) {
    KerasH5File file = sample_model();
    if (trial % 2 == 1) {
      file.model_config.clear();
      file.training_config.clear();
      file.optimizer_weights.clear();
    }
    file.layers.clear();
    const int num_layers = static_cast<int>(rng() % 5);
    for (int l = 0; l < num_layers; ++l) {
      H5LayerWeights layer{.layer_name = "layer_" + std::to_string(l), .weights = {}};
      for (int w = 0; w < static_cast<int>(rng() % 4); ++w) {
        const int64_t rows = rng() % 6, cols = 1 + rng() % 5;
        Tensor t(DType::kFloat32, {rows, cols});
        for (float& v : t.flat<float>()) v = std::uniform_real_distribution<float>(-3, 3)(rng);
        layer.weights.push_back({layer.layer_name + "/w" + std::to_string(w) + ":0", t});
      }
      file.layers.push_back(std::move(layer));
    }
    expect_same(round_trip(file), file);
  }
}

// Keras splits an attribute past 64 KiB into weight_names0, weight_names1, ...
TEST(KerasH5Test, LongNameListsAreSplitAndJoined) {
  KerasH5File file{.keras_version = "2.4.0", .backend = "tensorflow"};
  H5LayerWeights layer{.layer_name = "huge", .weights = {}};
  for (int i = 0; i < 1500; ++i) {
    layer.weights.push_back({"huge/" + std::string(40, 'w') + std::to_string(i) + ":0",
                             Tensor::scalar<float>(static_cast<float>(i))});
  }
  file.layers.push_back(std::move(layer));
  expect_same(round_trip(file), file);
}

TEST(KerasH5Test, RejectsWhatKerasCannotStore) {
  MemoryFileSystem fs;
  auto rejected = [&](const KerasH5File& file, const std::string& part) {
    Status s = write_keras_h5("/m/bad.h5", file, fs);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
    EXPECT_TRUE(contains(s.message(), "/m/bad.h5")) << s.message();
    EXPECT_TRUE(contains(s.message(), part)) << s.message();
    EXPECT_FALSE(fs.file_exists("/m/bad.h5"));
  };
  KerasH5File file = sample_model();
  file.layers[0].weights[0].value = Tensor::from_strings({"a"}, {1});
  rejected(file, "dense/kernel:0");
  file = sample_model();
  file.layers[0].weights[1].name = "dense//bias:0";
  rejected(file, "dense//bias:0");
  file = sample_model();
  file.layers[1].layer_name = "dense";
  rejected(file, "twice");
  file = sample_model();
  file.layers[0].layer_name = "/absolute";
  rejected(file, "/absolute");
  file = sample_model();
  file.model_config.clear();
  rejected(file, "optimizer");
  file.optimizer_weights.clear();
  rejected(file, "training_config");
}

TEST(KerasH5Test, FullDiskKeepsThePreviousFile) {
  MemoryFileSystem fs;
  KerasH5File first = sample_model();
  ASSERT_TRUE(write_keras_h5("/m/model.h5", first, fs).ok());
  const std::string before = *fs.read_file("/m/model.h5");
  KerasH5File second = sample_model();
  second.layers[0].weights[0].value = counting<float>({400, 80}, 1.0f);
  fs.set_capacity(before.size() + 1000);
  Status s = write_keras_h5("/m/model.h5", second, fs);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "/m/model.h5")) << s.message();
  EXPECT_EQ(*fs.read_file("/m/model.h5"), before);
  Result<KerasH5File> back = read_keras_h5("/m/model.h5", fs);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  expect_same(*back, first);
}

}  // namespace
}  // namespace cairn
