// Internal to keras: the saves of Sequential through a given file system
// (Sequential's own methods pass its file_system(); ModelCheckpoint may pass
// its own).
//
//   internal::save_weights(fs, model, "training/cp-0001.ckpt", {});   // TF checkpoint
//   internal::save_model(fs, model, "training/best.h5");             // Keras HDF5
#pragma once

#include <string>

#include "cairn/io/file_system.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// Sequential::save_weights through `fs`.
void save_weights(FileSystem& fs, Sequential& model, const std::string& path,
                  const SaveWeightsOptions& options);
// Sequential::save through `fs`.
void save_model(FileSystem& fs, Sequential& model, const std::string& path,
                const SaveOptions& options = {});

}  // namespace cairn::keras::internal
