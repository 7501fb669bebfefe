// Internal to keras: the saves of a Sequential or functional Model through a
// given file system (the models' own methods pass their file_system();
// ModelCheckpoint may pass its own).
//
//   internal::save_weights(fs, model, "training/cp-0001.ckpt", {});   // TF checkpoint
//   internal::save_model(fs, model, "training/best.h5");             // Keras HDF5
#pragma once

#include <string>

#include "cairn/io/file_system.h"
#include "cairn/keras/base_model.h"

namespace cairn::keras::internal {

// BaseModel::save_weights through `fs`.
void save_weights(FileSystem& fs, BaseModel& model, const std::string& path,
                  const SaveWeightsOptions& options);
// BaseModel::save through `fs`.
void save_model(FileSystem& fs, BaseModel& model, const std::string& path,
                const SaveOptions& options = {});

}  // namespace cairn::keras::internal
