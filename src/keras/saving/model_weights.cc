// Model::save_weights / load_weights: the formats and the one restore path
// Sequential's use (weights_tf.h, model_h5.h), chosen from the path as
// tf.keras chooses.
#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/model.h"
#include "keras/saving/keras3_weights.h"
#include "keras/saving/model_h5.h"
#include "keras/saving/saving.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

void Model::save_weights(const std::string& path, const SaveWeightsOptions& options) {
  internal::save_weights(file_system(), *this, path, options);
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
