// Model::save_weights / load_weights: the formats and the one restore path
// Sequential's use (weights_tf.h, model_h5.h), chosen from the path as
// tf.keras chooses.
#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/model.h"
#include "keras/saving/keras3_weights.h"
#include "keras/saving/model_h5.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

void Model::save_weights(const std::string& path, const SaveWeightsOptions& options) {
  if (options.save_format.empty() && internal::is_keras3_weights_path(path)) {
    throw UnimplementedError("save_weights('" + path + "'): Keras 3's .weights.h5 layout is " +
                             "not written for functional models yet; use an .h5 or a TF prefix");
  }
  const std::string format =
      options.save_format.empty() ? (is_keras_h5_path(path) ? "h5" : "tf") : options.save_format;
  if (format == "h5") {
    internal::save_h5_weights(file_system(), *this, path);
  } else if (format == "tf") {
    build_optimizer();
    internal::save_tf_weights(file_system(), *this, path);
  } else {
    throw InvalidArgumentError("save_format must be 'tf' or 'h5', got '" + format + "'");
  }
}

void Model::load_weights(const std::string& path) {
  FileSystem& fs = file_system();
  if (is_keras_h5_path(path) && fs.file_exists(path) && !fs.is_directory(path)) {
    internal::load_h5_weights(fs, *this, path);
  } else {
    internal::load_tf_weights(fs, *this, path);
  }
}

}  // namespace cairn::keras
