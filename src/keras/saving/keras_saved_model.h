// Internal to keras: a trainable Sequential from a SavedModel directory's
// Keras config (cairn's and TF 1.x's assets/saved_model.json, tf.keras's
// keras_metadata.pb in TF 2.5+, the object graph's user objects in TF
// 2.0-2.4: cairn/formats/export/keras_saved_metadata.h) and its variables.
// Writing is Sequential::inference_model()'s (keras_model_config,
// keras_training_config).
//
//   Sequential again = internal::load_saved_model(fs, "saved_models/1546300800");
#pragma once

#include <string>

#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// The model the SavedModel `dir` records: built from its Keras config (the
// first of assets/saved_model.json, keras_metadata.pb, the object graph), its
// weights restored from variables/ (cairn/checkpoint/restore.h: a mismatch
// is the full report), compiled as its training config says (cairn's
// assets/cairn_training_config.json, TF 2.x's training_config; TF 1.x stored
// none) when cairn has that loss and optimizer. The optimizer's state is
// not restored, as tf.keras does not for SavedModels. InvalidArgumentError when the SavedModel
// has no Keras model config (TF1 or tf.saved_model.save of a non-Keras object);
// with `safe_mode`, also for a config holding Python code (Lambda, custom layers).
Sequential load_saved_model(FileSystem& fs, const std::string& dir, bool safe_mode = true);

}  // namespace cairn::keras::internal
