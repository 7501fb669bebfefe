// Keras HDF5 files: the `.h5` files written by Keras 2's `model.save("x.h5")`
// (config, weights and optimizer state) and `model.save_weights("x.h5")`
// (weights only), and Keras 3's legacy `.h5` layout. Reads and writes them with
// HDF5's C library, entirely in memory: the bytes go through a FileSystem.
//
//   cairn::KerasH5File file{.keras_version = "2.4.0", .backend = "tensorflow"};
//   file.model_config = R"({"class_name": "Sequential", ...})";
//   file.layers.push_back({.layer_name = "dense",
//                          .weights = {{"dense/kernel:0", kernel}, {"dense/bias:0", bias}}});
//   CAIRN_RETURN_IF_ERROR(cairn::write_keras_h5("models/iris.h5", file));
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::KerasH5File back, cairn::read_keras_h5("models/iris.h5"));
//   back.layers[0].weights[0].value;   // the kernel, as a float32 Tensor
//
// Whole-model layout (model_config non-empty):
//   /                       attrs keras_version, backend, model_config, training_config (if set)
//   /model_weights          attrs layer_names, backend, keras_version
//   /model_weights/<layer>  attr weight_names; dataset <layer>/<weight name> for each name,
//                           so "dense/kernel:0" is stored at /model_weights/dense/dense/kernel:0
//   /optimizer_weights      attr weight_names; dataset /optimizer_weights/<name> for each name
// Weights-only layout (model_config empty): the layer groups sit directly under
// the root, which carries layer_names, backend and keras_version.
// docs/formats/keras_h5.md describes the string encodings and what the reader accepts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn {

// True for the paths tf.keras saves to and loads from as HDF5: those ending
// in ".h5", ".hdf5" or ".keras". Any other path means a TensorFlow checkpoint.
inline bool is_keras_h5_path(std::string_view path) {
  return path.ends_with(".h5") || path.ends_with(".hdf5") || path.ends_with(".keras");
}

// One saved variable. `name` is as listed in weight_names ("dense/kernel:0" in
// Keras 2, "sequential/dense/kernel" in Keras 3); '/' separates HDF5 groups.
struct H5Weight {
  std::string name;
  Tensor value;  // float32, float64, int32 or int64, any rank (scalars included)
};

// The weights of one layer, in the layer's weight_names order (may be empty,
// e.g. for an Activation or InputLayer).
struct H5LayerWeights {
  std::string layer_name;
  std::vector<H5Weight> weights;
};

struct KerasH5File {
  std::string keras_version;                // e.g. "2.4.0"; empty when the file has none
  std::string backend;                      // "tensorflow"; empty when the file has none
  std::string model_config;                 // JSON text; empty for a weights-only file
  std::string training_config;              // JSON text; empty when absent
  std::vector<H5LayerWeights> layers;       // in layer_names order
  std::vector<H5Weight> optimizer_weights;  // in optimizer weight_names order; empty if none
};

// Writes `file` to `path` through `fs`, replacing any file there atomically
// (fs.write_file_atomically): on failure the previous file is left as it was.
// INVALID_ARGUMENT for an unsupported dtype, an empty name, a name with an
// empty or "." component, a repeated name, or a training_config or optimizer
// weights in a weights-only file; otherwise the error from HDF5 or `fs`, naming `path`.
Status write_keras_h5(const std::string& path, const KerasH5File& file,
                      FileSystem& fs = default_file_system());

struct KerasH5ReadOptions {
  // How long the isolated dry-run parse (see read_keras_h5) may take before
  // the file is declared corrupt. 0 (default): 10 s plus 1 s per 64 MiB.
  unsigned parse_timeout_seconds = 0;
  // The most bytes compressed (filtered) datasets may decode to, all
  // together. Weights stored uncompressed, as Keras writes them, are bounded
  // by the file's size instead. Default: 1 GiB.
  uint64_t max_decompressed_bytes = uint64_t{1} << 30;
};

// Reads the Keras HDF5 file at `path` through `fs`. Accepts both layouts,
// fixed- and variable-length strings, Keras 2.1 to 3 files. Layers come from
// layer_names; optimizer weights from optimizer_weights' weight_names, or,
// when that attribute is absent, every dataset under optimizer_weights in
// name order, named by its path relative to the group. NOT_FOUND if `path`
// is absent; DATA_LOSS for bytes HDF5 cannot open, a missing/mistyped
// object, a name listed twice in layer_names or one weight_names, or weights
// adding up to more bytes than the file holds (or, compressed, than
// options.max_decompressed_bytes); UNIMPLEMENTED for a dataset dtype cairn does not map. Every
// message names `path` and the HDF5 object that failed.
//
// HDF5 1.10 can crash or hang on some corrupt files, so the bytes are first
// parsed in a forked child process; only if that child finishes are they
// parsed again here. A child that crashes or times out gives DATA_LOSS; one
// that runs out of memory (or is killed by the out-of-memory killer's SIGKILL)
// RESOURCE_EXHAUSTED.
Result<KerasH5File> read_keras_h5(const std::string& path, FileSystem& fs = default_file_system(),
                                  const KerasH5ReadOptions& options = {});

}  // namespace cairn
