// Converting weights between file formats, bit for bit (`cairn convert`),
// and reading any of them as named tensors (`cairn inspect`): TensorFlow
// checkpoints (tensor bundles), Keras HDF5 files (.h5, .hdf5: weights files
// and whole models), safetensors, and the Keras front end's model files
// (.keras, .weights.h5), which are reached through keras::load_model and
// Sequential::save / save_weights, so whatever those read and write, convert
// does too.
//
//   cairn::keras::convert("models/iris/model.ckpt-200", "iris.safetensors");
//   cairn::keras::convert("iris.safetensors", "restored/model.ckpt-200");
//   cairn::keras::convert("model.h5", "model.safetensors", {.force = true});
//   cairn::keras::WeightsFile w = cairn::keras::read_weights_file("model.safetensors");
//
// Names (one mapping, used both ways):
//  - checkpoint <-> safetensors: tensor names as they are. safetensors has no
//    string dtype, so a checkpoint's string tensors (such as
//    _CHECKPOINTABLE_OBJECT_GRAPH) travel in the safetensors metadata under
//    "cairn.string_tensor/<name>" (JSON {"shape": [...], "hex": [...]}) and
//    come back as tensors; other metadata is kept in safetensors only.
//  - Keras .h5 -> checkpoint or safetensors: each weight is keyed as in the
//    TensorFlow-format checkpoint tf.keras's save_weights writes for the same
//    model ("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", slots
//    "<weight key>/.OPTIMIZER_SLOT/optimizer/m/...", "optimizer/iter/...",
//    keras/saving/weights_tf.h), plus the _CHECKPOINTABLE_OBJECT_GRAPH that
//    tf.keras's load_weights needs. safetensors output also records the
//    .h5's layer and weight names, versions and configs in its metadata
//    ("keras_h5.*"), so a .h5 comes back from it exactly.
//  - checkpoint -> .h5: the layer and weight names come from the full names
//    the object graph records (a checkpoint tf.keras's or cairn's
//    save_weights wrote: "dense/kernel" -> layer "dense", weight
//    "dense/kernel:0"); the layers with weights are listed, in order.
//  - .keras / .weights.h5 output: the input is loaded as a whole model
//    (keras::load_model) and saved with model.save / model.save_weights.
//
// A checkpoint's variant tensors (a tf.data iterator's state) have no bytes
// another format could hold: they are left out and listed in `skipped`.
//
// Errors are thrown as cairn::Error subclasses naming the files: NotFoundError
// (no input), AlreadyExistsError (output exists without `force`),
// InvalidArgumentError (unknown extension or format, a tensor the output
// format cannot hold), UnimplementedError (a direction that needs what the
// input does not record, such as .h5 names from a checkpoint without an
// object graph), DataLossError (corrupt input).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/io/file_system.h"

namespace cairn::keras {

enum class WeightsFormat {
  kCheckpoint,    // a TF checkpoint prefix (or a model directory: its newest, when read)
  kH5,            // Keras HDF5: .h5, .hdf5
  kSafetensors,   // .safetensors
  kKerasModel,    // .keras: through load_model / save
  kKerasWeights,  // .weights.h5 (Keras 3 layout): read by its paths; written through save_weights
};

// "checkpoint" (also "tf"), "h5", "safetensors", "keras", "weights.h5";
// nullopt for any other name.
std::optional<WeightsFormat> weights_format_from_name(std::string_view name);
std::string_view weights_format_name(WeightsFormat format);

// The format a path's name says: by extension; a checkpoint prefix for a name
// without one, one whose last part is a step ("model.ckpt-200") or a
// ".ckpt", and a checkpoint's own files (".index", ".data-..."); nullopt for
// any other extension.
std::optional<WeightsFormat> weights_format_of_path(std::string_view path);

// A file's tensors, named as above, and its string metadata.
struct WeightsFile {
  std::string path;                             // what was read: the checkpoint prefix, or the file
  NamedTensors tensors;                         // sorted by name
  std::map<std::string, std::string> metadata;  // safetensors' own, or what a .h5 records
  // Tensors of the input that no other format holds, each "NAME: why" (a
  // checkpoint's variant tensors, such as a tf.data iterator's state).
  std::vector<std::string> skipped;
};

// Reads every tensor of `path` (format from weights_format_of_path, or a
// directory's newest checkpoint).
WeightsFile read_weights_file(const std::string& path, FileSystem& fs = default_file_system());

struct ConvertOptions {
  // The output's format; by default from its name (weights_format_of_path).
  std::optional<WeightsFormat> format;
  // Replace an existing output (atomically, as every save does).
  bool force = false;
  // Where both files are. Borrowed; nullptr means the POSIX file system.
  FileSystem* fs = nullptr;
};

struct Converted {
  std::string path;                  // what was written: the checkpoint prefix or the file
  std::vector<std::string> skipped;  // WeightsFile::skipped of the input
};

// Converts `in` to `out`.
Converted convert(const std::string& in, const std::string& out,
                  const ConvertOptions& options = {});

}  // namespace cairn::keras
