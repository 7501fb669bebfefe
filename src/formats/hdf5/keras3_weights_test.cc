// Keras 3 weights files at the format level: the fixture Keras 3.10 wrote
// decodes with its paths, names and values; our encoding decodes back
// (objects without variables included); files h5py shapes wrongly (a gap in
// vars, a dataset outside a vars group, Keras 2's layout) and sharded
// manifests naming files outside their directory give errors naming them.
#include "cairn/formats/hdf5/keras3_weights.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "cairn/core/errors.h"
#include "cairn/formats/zip/zip_archive.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

Tensor matrix(int64_t rows, int64_t cols, float start) {
  Tensor t(DType::kFloat32, {rows, cols});
  for (int64_t i = 0; i < rows * cols; ++i) t.flat<float>()[static_cast<size_t>(i)] = start + i;
  return t;
}

TEST(Keras3WeightsTest, FixtureWeightsDecodeWithKeras3Paths) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const std::string path = *fixtures + "/keras3-iris-nojan/iris_model.keras";
  ZipReader zip =
      value_or_throw(ZipReader::open(value_or_throw(default_file_system().read_file(path)), path));
  const std::string bytes = value_or_throw(zip.read("model.weights.h5", 1 << 20));
  Keras3Weights w = value_or_throw(decode_keras3_weights(bytes, "model.weights.h5"));
  const Keras3Vars* last = w.find("layers/dense_2");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->name, "dense_37");
  ASSERT_EQ(last->vars.size(), 2u);
  EXPECT_EQ(last->vars[0].shape(), TensorShape({8, 3}));
  EXPECT_NEAR(last->vars[1].flat<float>()[1], 0.1789495f, 1e-7);
  const Keras3Vars* optimizer = w.find("optimizer");
  ASSERT_NE(optimizer, nullptr);
  EXPECT_EQ(optimizer->name, "adam");
  ASSERT_EQ(optimizer->vars.size(), 14u);
  EXPECT_EQ(optimizer->vars[0].dtype(), DType::kInt64);
  EXPECT_EQ(optimizer->vars[0].flat<int64_t>()[0], 1200);
}

TEST(Keras3WeightsTest, EncodeDecodeRoundTripKeepsEmptyObjects) {
  Keras3Weights w;
  w.objects.push_back({.path = "", .name = "sequential", .vars = {}});
  w.objects.push_back(
      {.path = "layers/dense", .name = "d", .vars = {matrix(2, 3, 1), matrix(1, 3, 7)}});
  w.objects.push_back({.path = "layers/dropout", .name = "drop", .vars = {}});
  w.objects.push_back({.path = "optimizer", .name = "adam", .vars = {Tensor::scalar<int64_t>(5)}});
  const std::string bytes = value_or_throw(encode_keras3_weights(w));
  Keras3Weights back = value_or_throw(decode_keras3_weights(bytes, "x.weights.h5"));
  ASSERT_NE(back.find("layers/dense"), nullptr);
  EXPECT_EQ(back.find("layers/dense")->name, "d");
  EXPECT_TRUE(back.find("layers/dense")->vars[1] == matrix(1, 3, 7));
  EXPECT_EQ(back.find("optimizer")->vars[0].flat<int64_t>()[0], 5);
  EXPECT_EQ(back.find("layers/dropout"), nullptr);  // no variables: nothing to restore
  Keras3Weights twice = w;
  twice.objects.push_back(w.objects[1]);
  EXPECT_EQ(encode_keras3_weights(twice).status().code(), StatusCode::kInvalidArgument);
}

// Writes an .h5 with h5py: `script` runs with f open for writing.
std::string h5py_file(const cairn::testing::TempDir& dir, const std::string& script) {
  const std::string path = dir.path() + "/crafted.h5";
  auto run = cairn::testing::run_command(
      "/usr/bin/python3 -c \"import h5py, numpy as np; f = h5py.File('" + path + "', 'w'); " +
      script + "\"");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return value_or_throw(default_file_system().read_file(path));
}

TEST(Keras3WeightsTest, MalformedLayoutsAreDataLossNamingTheObject) {
  if (!cairn::testing::python_has_modules("h5py")) GTEST_SKIP() << "/usr/bin/python3 lacks h5py";
  cairn::testing::TempDir dir;
  struct Case {
    std::string script, message;
  };
  const std::vector<Case> cases = {
      {"f['layers/dense/vars/0'] = np.ones(2); f['layers/dense/vars/2'] = np.ones(2)",
       "the vars of 'layers/dense' skip index 1"},
      {"f['layers/dense/vars/1'] = np.ones(2)", "the vars of 'layers/dense' skip index 0"},
      {"f['layers/dense/kernel'] = np.ones(2)", "dataset /layers/dense/kernel is not"},
      {"f['layers/dense/vars/01'] = np.ones(2)", "dataset /layers/dense/vars/01 is not"},
      {"f.attrs['layer_names'] = [b'dense']", "holds Keras 2's HDF5 layout"},
  };
  for (const Case& c : cases) {
    Result<Keras3Weights> w = decode_keras3_weights(h5py_file(dir, c.script), "bad.weights.h5");
    ASSERT_FALSE(w.ok()) << c.script;
    EXPECT_EQ(w.status().code(), StatusCode::kDataLoss) << c.script;
    EXPECT_THAT(w.status().message(), HasSubstr("bad.weights.h5")) << c.script;
    EXPECT_THAT(w.status().message(), HasSubstr(c.message)) << c.script;
  }
}

TEST(Keras3WeightsTest, ShardedManifestStaysInItsDirectory) {
  MemoryFileSystem fs;
  Keras3Weights part;
  part.objects.push_back({.path = "layers/dense", .name = "d", .vars = {matrix(2, 2, 0)}});
  ASSERT_TRUE(
      fs.write_file_atomically("/w/m_00000.weights.h5", value_or_throw(encode_keras3_weights(part)))
          .ok());
  ASSERT_TRUE(fs.write_file_atomically("/w/m.weights.json",
                                       R"({"metadata": {"total_size": 16},
                        "weight_map": {"/layers/dense/vars": "m_00000.weights.h5"}})")
                  .ok());
  Keras3Weights read = value_or_throw(read_keras3_sharded_weights("/w/m.weights.json", fs));
  ASSERT_NE(read.find("layers/dense"), nullptr);
  EXPECT_TRUE(read.find("layers/dense")->vars[0] == matrix(2, 2, 0));

  ASSERT_TRUE(
      fs.write_file_atomically("/w/evil.weights.json",
                               R"({"weight_map": {"/layers/dense/vars": "../secret.weights.h5"}})")
          .ok());
  Result<Keras3Weights> evil = read_keras3_sharded_weights("/w/evil.weights.json", fs);
  EXPECT_EQ(evil.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(evil.status().message(), HasSubstr("evil.weights.json: shard '../secret"));

  ASSERT_TRUE(fs.write_file_atomically("/w/list.weights.json", "[1, 2]").ok());
  EXPECT_THAT(read_keras3_sharded_weights("/w/list.weights.json", fs).status().message(),
              HasSubstr("no weight_map"));
}

}  // namespace
}  // namespace cairn
