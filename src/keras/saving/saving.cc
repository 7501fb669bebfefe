// Sequential::save_weights / load_weights / save and keras::load_model:
// choosing the format from the path, as tf.keras does.
#include <filesystem>

#include "cairn/core/errors.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/sequential.h"
#include "keras/saving/model_h5.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

void Sequential::save_weights(const std::string& path, const SaveWeightsOptions& options) {
  const std::string format =
      options.save_format.empty() ? (is_keras_h5_path(path) ? "h5" : "tf") : options.save_format;
  if (format == "h5") {
    internal::save_h5(*this, path, /*whole_model=*/false);
  } else if (format == "tf") {
    internal::save_tf_weights(*this, path);
  } else {
    throw InvalidArgumentError("save_format must be 'tf' or 'h5', got '" + format + "'");
  }
}

void Sequential::load_weights(const std::string& path) {
  if (is_keras_h5_path(path) && std::filesystem::is_regular_file(path)) {
    internal::load_h5_weights(*this, path);
  } else {
    internal::load_tf_weights(*this, path);
  }
}

void Sequential::save(const std::string& path) {
  if (!is_keras_h5_path(path)) {
    export_model(path, "saved_model");
    return;
  }
  internal::save_h5(*this, path, /*whole_model=*/true);
}

Sequential load_model(const std::string& path) {
  if (default_file_system().file_exists(saved_model_pb_path(path))) {
    throw UnimplementedError("load_model('" + path +
                             "'): a SavedModel directory is for serving; run it with "
                             "cairn::serving::SavedModel or `cairn predict " +
                             path + "`, or load a model saved as .h5");
  }
  return internal::load_h5_model(path);
}

}  // namespace cairn::keras
