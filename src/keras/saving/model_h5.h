// Keras models and weights in HDF5 (formats/keras_h5.h holds the file
// layout): what goes into model_config, training_config, model_weights and
// optimizer_weights, and how models written by Keras 2.1 to 3 are read back.
#pragma once

#include <string>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// Whole model (config, weights, optimizer state) or weights only, of a
// Sequential or a Model.
template <class M>
void save_h5(FileSystem& fs, M& model, const std::string& path, bool whole_model);

// Keras's HDF5 weights file of a Model (Sequential's: save_h5).
template <class M>
void save_h5_weights(FileSystem& fs, M& model, const std::string& path);

// Keras's HDF5 weights of a Sequential or Model: layers with weights matched
// in order; throws InvalidArgumentError listing every mismatch before
// changing anything.
template <class M>
void load_h5_weights(FileSystem& fs, M& model, const std::string& path);

// A Keras 2 HDF5 model file read, its model_config parsed (DataLossError
// for a damaged file or config; InvalidArgumentError for a weights-only file).
struct H5Model {
  KerasH5File file;
  Json config;  // model_config: {"class_name", "config", ...}
  // The number of weight values the file holds: what a config read from it
  // may allocate at most.
  int64_t stored_elements() const;
};
H5Model read_h5_model(FileSystem& fs, const std::string& path);

// The model keeps `fs` as its file_system().
Sequential load_h5_model(FileSystem& fs, const std::string& path);
// The same for a functional model's file (a Sequential file gives a Model
// over its stack of layers).
Model load_h5_functional_model(FileSystem& fs, const std::string& path);

}  // namespace cairn::keras::internal
