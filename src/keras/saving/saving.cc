// Sequential::save_weights / load_weights / save and keras::load_model:
// choosing the format from the path, as tf.keras does.
#include "keras/saving/saving.h"

#include "cairn/core/errors.h"
#include "cairn/formats/export/export.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "keras/saving/keras3_weights.h"
#include "keras/saving/keras_archive.h"
#include "keras/saving/keras_saved_model.h"
#include "keras/saving/model_h5.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace internal {

void save_weights(FileSystem& fs, Sequential& model, const std::string& path,
                  const SaveWeightsOptions& options) {
  if (options.save_format.empty() && is_keras3_weights_path(path)) {
    save_keras3_weights(fs, model, path);
    return;
  }
  const std::string format =
      options.save_format.empty() ? (is_keras_h5_path(path) ? "h5" : "tf") : options.save_format;
  if (format == "h5") {
    save_h5(fs, model, path, /*whole_model=*/false);
  } else if (format == "tf") {
    save_tf_weights(fs, model, path);
  } else {
    throw InvalidArgumentError("save_format must be 'tf' or 'h5', got '" + format + "'");
  }
}

void save_model(FileSystem& fs, Sequential& model, const std::string& path,
                const SaveOptions& options) {
  if (is_keras_archive_path(path)) {
    save_keras_archive(fs, model, path, options.zipped);
    return;
  }
  if (!is_keras_h5_path(path)) {
    throw_if_error(
        export_inference_model(fs, model.inference_model(), path, ExportFormat::kSavedModel));
    return;
  }
  save_h5(fs, model, path, /*whole_model=*/true);
}

}  // namespace internal

void Sequential::save_weights(const std::string& path, const SaveWeightsOptions& options) {
  internal::save_weights(file_system(), *this, path, options);
}

void Sequential::load_weights(const std::string& path) {
  FileSystem& fs = file_system();
  if (internal::is_keras3_weights_path(path) || internal::is_keras3_sharded_path(path)) {
    internal::load_keras3_weights(fs, *this, path);
  } else if (internal::is_keras_archive_path(path) && internal::holds_keras_archive(fs, path)) {
    internal::load_keras_archive_weights(fs, *this, path);
  } else if (is_keras_h5_path(path) && fs.file_exists(path) && !fs.is_directory(path)) {
    internal::load_h5_weights(fs, *this, path);
  } else {
    internal::load_tf_weights(fs, *this, path);
  }
}

void Sequential::save(const std::string& path, const SaveOptions& options) {
  internal::save_model(file_system(), *this, path, options);
}

Sequential load_model(const std::string& path, FileSystem& fs) {
  return load_model(path, LoadModelOptions{}, fs);
}

Sequential load_model(const std::string& path, const LoadModelOptions& options, FileSystem& fs) {
  if (fs.file_exists(saved_model_pb_path(path)))
    return internal::load_saved_model(fs, path, options.safe_mode);
  if (internal::holds_keras_archive(fs, path)) {
    return internal::load_keras_archive(fs, path, options.safe_mode);
  }
  return internal::load_h5_model(fs, path);  // Keras 2 HDF5, whatever its extension
}

}  // namespace cairn::keras
