// Internal to keras: the Keras side of a SavedModel directory. Writing, the
// JSON tf.keras records for each object (the model, its layers) and formats
// stores opaquely in keras_metadata.pb; reading, a trainable Sequential from
// that JSON (cairn's SavedModels, and tf.keras's: keras_metadata.pb in TF
// 2.5+, the object graph's user objects in TF 2.0-2.4) and the variables.
//
//   m.keras_objects = internal::keras_saved_objects(model);   // export
//   Sequential again = internal::load_saved_model(fs, "saved_models/1546300800");
#pragma once

#include <string>
#include <vector>

#include "cairn/formats/export/inference_model.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// The model ("root", "_tf_keras_sequential": its metadata holds class_name,
// config, model_config, training_config when compiled, keras_version,
// backend) and each layer ("root.layer-<i>", "_tf_keras_layer"), as tf.keras
// 2.x serializes them.
std::vector<KerasSavedObject> keras_saved_objects(const Sequential& model);

// The model the SavedModel `dir` records: built from its Keras config, its
// weights restored from variables/ (cairn/checkpoint/restore.h: a mismatch
// is the full report), compiled as its training_config says when cairn has
// that loss and optimizer. The optimizer's state is not restored, as
// tf.keras does not for SavedModels. InvalidArgumentError when the SavedModel
// has no Keras model config (TF1 or tf.saved_model.save of a non-Keras object).
Sequential load_saved_model(FileSystem& fs, const std::string& dir);

}  // namespace cairn::keras::internal
