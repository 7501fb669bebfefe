// Keras models and weights in HDF5 (formats/keras_h5.h holds the file
// layout): what goes into model_config, training_config, model_weights and
// optimizer_weights, and how models written by Keras 2.1 to 3 are read back.
#pragma once

#include <string>

#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// Whole model (config, weights, optimizer state) or weights only.
void save_h5(FileSystem& fs, Sequential& model, const std::string& path, bool whole_model);

// Keras's HDF5 weights file of a Model (Sequential's: save_h5).
template <class M>
void save_h5_weights(FileSystem& fs, M& model, const std::string& path);

// Keras's HDF5 weights of a Sequential or Model: layers with weights matched
// in order; throws InvalidArgumentError listing every mismatch before
// changing anything.
template <class M>
void load_h5_weights(FileSystem& fs, M& model, const std::string& path);

// The model keeps `fs` as its file_system().
Sequential load_h5_model(FileSystem& fs, const std::string& path);

}  // namespace cairn::keras::internal
