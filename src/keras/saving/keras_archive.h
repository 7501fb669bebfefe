// Keras 3's `.keras` model files: a ZIP archive (cairn/formats/zip) of
//   metadata.json     {"keras_version": "3.10.0", "date_saved": "2026-01-31@12:00:00"}
//   config.json       the model's config and compile_config (keras3_config.h)
//   model.weights.h5  its variables and optimizer state (keras3_weights.h)
// or the same three files in a directory (Keras 3's save(..., zipped=False)).
//
//   internal::save_keras_archive(fs, model, "iris.keras", /*zipped=*/true);
//   Sequential back = internal::load_keras_archive(fs, "iris.keras", /*safe_mode=*/true);
#pragma once

#include <string>

#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// True for a path ending in ".keras" (Keras 3's whole-model files).
bool is_keras_archive_path(const std::string& path);

// True when `path` is a .keras ZIP archive or an unzipped .keras directory
// (judged by its bytes or contents, not its name).
bool holds_keras_archive(FileSystem& fs, const std::string& path);

// model.save("x.keras"): the archive, or with `zipped` false a directory of
// the three files. Replaces an existing archive atomically.
void save_keras_archive(FileSystem& fs, Sequential& model, const std::string& path, bool zipped);

// load_model("x.keras"): the model built from config.json, compiled from its
// compile_config when cairn has its loss and optimizer, its weights and
// optimizer state restored. With `safe_mode`, a config holding Python code
// (Lambda, custom classes) is refused first. Errors name the file and the
// entry: DataLossError for a damaged archive or a missing entry,
// ResourceExhaustedError for an entry declaring an impossible size,
// InvalidArgumentError for a config cairn cannot build or weights that do
// not fit it (the full report). The model keeps `fs` as its file_system().
Sequential load_keras_archive(FileSystem& fs, const std::string& path, bool safe_mode);

// load_weights("x.keras"): the archive's model.weights.h5 into `model`.
void load_keras_archive_weights(FileSystem& fs, Sequential& model, const std::string& path);

}  // namespace cairn::keras::internal
