// Sequential::save_weights / load_weights / save and keras::load_model:
// choosing the format from the path, as tf.keras does.
#include "keras/saving/saving.h"

#include "cairn/core/errors.h"
#include "cairn/formats/export/export.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "keras/saving/keras_saved_model.h"
#include "keras/saving/model_h5.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace internal {

void save_weights(FileSystem& fs, Sequential& model, const std::string& path,
                  const SaveWeightsOptions& options) {
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

void save_model(FileSystem& fs, Sequential& model, const std::string& path) {
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
  if (is_keras_h5_path(path) && fs.file_exists(path) && !fs.is_directory(path)) {
    internal::load_h5_weights(fs, *this, path);
  } else {
    internal::load_tf_weights(fs, *this, path);
  }
}

void Sequential::save(const std::string& path) { internal::save_model(file_system(), *this, path); }

Sequential load_model(const std::string& path, FileSystem& fs) {
  if (fs.file_exists(saved_model_pb_path(path))) return internal::load_saved_model(fs, path);
  return internal::load_h5_model(fs, path);
}

}  // namespace cairn::keras
