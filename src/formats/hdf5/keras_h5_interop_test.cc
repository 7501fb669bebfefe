// Interop: files from write_keras_h5 are opened by a reader we did not write,
// h5py (/usr/bin/python3), which checks the layout Keras 2's loaders expect:
// attributes, their string encodings, dataset paths, dtypes, shapes and
// values. Skips with a message when h5py is not installed.
#include <gtest/gtest.h>

#include "cairn/formats/hdf5/keras_h5.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

// Asserts the whole-model layout; argv[1] is the file.
constexpr const char* kCheckWholeModel = R"PY(
import json, sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
def text(v): return v.decode("utf-8") if isinstance(v, bytes) else v
assert text(f.attrs["keras_version"]) == "2.4.0"
assert text(f.attrs["backend"]) == "tensorflow"
assert json.loads(text(f.attrs["model_config"]))["class_name"] == "Sequential"
assert json.loads(text(f.attrs["training_config"]))["loss"] == "mse"
mw = f["model_weights"]
names = mw.attrs["layer_names"]
assert names.dtype.kind == "S" and names.dtype.itemsize == len("dropout_1"), names.dtype
assert [n.decode() for n in names] == ["dense", "dropout_1", "dense_1"]
assert text(mw.attrs["backend"]) == "tensorflow" and text(mw.attrs["keras_version"]) == "2.4.0"
wn = mw["dense"].attrs["weight_names"]
assert wn.dtype.itemsize == len("dense/kernel:0")
assert [n.decode() for n in wn] == ["dense/kernel:0", "dense/bias:0"]
assert len(mw["dropout_1"].attrs["weight_names"]) == 0
k = mw["dense/dense/kernel:0"][()]
assert k.dtype == np.float32 and k.shape == (4, 3)
assert np.array_equal(k, np.arange(12, dtype=np.float32).reshape(4, 3) * 0.5)
b = mw["dense_1/dense_1/bias:0"][()]
assert b.dtype == np.float64 and np.array_equal(b, [1.5, -2.5])
ow = f["optimizer_weights"]
assert [n.decode() for n in ow.attrs["weight_names"]] == ["Adam/iter:0", "Adam/dense/kernel/m:0"]
it = ow["Adam/iter:0"]
assert it.shape == () and it.dtype == np.int64 and it[()] == 2400
assert ow["Adam/dense/kernel/m:0"].dtype == np.int32
print("ok")
)PY";

constexpr const char* kCheckWeightsOnly = R"PY(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert "model_config" not in f.attrs and "model_weights" not in f
assert [n.decode() for n in f.attrs["layer_names"]] == ["dense", "dropout_1", "dense_1"]
assert sorted(f.keys()) == ["dense", "dense_1", "dropout_1"]
assert np.array_equal(f["dense/dense/kernel:0"][()],
                      np.arange(12, dtype=np.float32).reshape(4, 3) * 0.5)
print("ok")
)PY";

KerasH5File sample(bool whole_model) {
  Tensor kernel(DType::kFloat32, {4, 3});
  for (int i = 0; i < 12; ++i) kernel.flat<float>()[static_cast<size_t>(i)] = 0.5f * i;
  KerasH5File file{.keras_version = "2.4.0", .backend = "tensorflow"};
  file.layers = {{.layer_name = "dense",
                  .weights = {{"dense/kernel:0", kernel},
                              {"dense/bias:0", Tensor::from_vector<float>({0, 1, 2}, {3})}}},
                 {.layer_name = "dropout_1", .weights = {}},
                 {.layer_name = "dense_1",
                  .weights = {{"dense_1/kernel:0", Tensor(DType::kFloat64, {3, 2})},
                              {"dense_1/bias:0", Tensor::from_vector<double>({1.5, -2.5}, {2})}}}};
  if (whole_model) {
    file.model_config = R"({"class_name": "Sequential", "config": {"name": "sequential"}})";
    file.training_config = R"({"loss": "mse"})";
    file.optimizer_weights = {{"Adam/iter:0", Tensor::scalar<int64_t>(2400)},
                              {"Adam/dense/kernel/m:0", Tensor(DType::kInt32, {4, 3})}};
  }
  return file;
}

void check_with_h5py(const KerasH5File& file, const char* script) {
  if (!testing::python_has_modules("h5py numpy")) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import h5py and numpy; interop not checked";
  }
  testing::TempDir dir;
  const std::string path = dir.path() + "/model.h5";
  ASSERT_TRUE(write_keras_h5(path, file).ok());
  const std::string script_path = dir.path() + "/check.py";
  ASSERT_TRUE(default_file_system().write_file_atomically(script_path, script).ok());
  testing::CommandResult run = testing::run_command(
      "/usr/bin/python3 " + testing::shell_quote(script_path) + " " + testing::shell_quote(path));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "ok\n") << run.err;
}

TEST(KerasH5InteropTest, H5pyReadsTheWholeModelLayout) {
  check_with_h5py(sample(true), kCheckWholeModel);
}

TEST(KerasH5InteropTest, H5pyReadsTheWeightsOnlyLayout) {
  check_with_h5py(sample(false), kCheckWeightsOnly);
}

}  // namespace
}  // namespace cairn
