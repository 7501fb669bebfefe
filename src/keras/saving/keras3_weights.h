// A Sequential model's variables in Keras 3's layout
// (cairn/formats/hdf5/keras3_weights.h): which object path holds which
// variable, and the `.weights.h5` / sharded `.weights.json` files of
// save_weights and load_weights.
//
//   /vars                       the model (no variables of its own)
//   /layers/<class>[_<i>]/vars  each layer, named by its class in snake case and
//                               its position among layers of that class
//                               ("dense", "dense_1", "dropout"), not by its name
//   /optimizer/vars             0 iterations (int64), 1 learning_rate (float32),
//                               then the slots: Adam's per variable (m, v, m, v,
//                               ...), the others' slot by slot, variables in order
//
// Loading goes through the restore path (cairn/checkpoint/restore_tensors.h),
// so a model that does not match gets load_weights's full report.
#pragma once

#include <string>

#include "cairn/formats/hdf5/keras3_weights.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// True for the names Keras 3's save_weights accepts: "*.weights.h5".
bool is_keras3_weights_path(const std::string& path);
// True for a sharded weights manifest: "*.weights.json".
bool is_keras3_sharded_path(const std::string& path);

// The model's variables (and its optimizer's, once compiled) as Keras 3 saves them.
Keras3Weights keras3_weights_of(Sequential& model);

// Assigns `weights` to the model (built), and the optimizer's state when
// the model is compiled and the file's optimizer has as many variables as
// this one (otherwise the optimizer is left as it is, with a warning on the
// model's output, as Keras 3 does). Throws InvalidArgumentError listing every
// mismatch before changing anything; `source` names the file.
void assign_keras3_weights(Sequential& model, const Keras3Weights& weights,
                           const std::string& source);

// save_weights("x.weights.h5"), replacing the file atomically.
void save_keras3_weights(FileSystem& fs, Sequential& model, const std::string& path);

// The variables of a .weights.h5 file or a sharded .weights.json manifest.
Keras3Weights read_keras3_weights(FileSystem& fs, const std::string& path);

// load_weights of a .weights.h5 file or a sharded .weights.json manifest.
void load_keras3_weights(FileSystem& fs, Sequential& model, const std::string& path);

// The `name` of the optimizer vars group (e.g. "adam"), or "" without one.
std::string saved_optimizer_name(const Keras3Weights& weights);

}  // namespace cairn::keras::internal
