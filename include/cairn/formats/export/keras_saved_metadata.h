// The Keras objects of a SavedModel directory (KerasSavedObject, in
// inference_model.h): what tf.keras.models.load_model(dir) reads to rebuild a
// Keras model rather than a bare function. TensorFlow 2.5+ and Keras 2.x
// keep them in keras_metadata.pb (SavedMetadata,
// proto/cairn/proto/keras_saved_metadata.proto) beside saved_model.pb;
// TensorFlow 2.0-2.4 kept the same JSON in the object graph
// (SavedObjectGraph nodes' SavedUserObject). The JSON stays opaque here: the
// keras layer writes and parses it.
//
//   auto objects = cairn::read_keras_saved_objects(fs, "saved_models/1546300800");
//   if (objects.ok() && !objects->empty()) parse((*objects)[0].metadata);  // the model
#pragma once

#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"

namespace cairn {

inline constexpr char kKerasMetadataFilename[] = "keras_metadata.pb";

// "<export_dir>/keras_metadata.pb".
std::string keras_metadata_path(const std::string& export_dir);

// The Keras objects `export_dir` records: those of keras_metadata.pb, or
// else the object graph's user objects whose identifier starts with
// "_tf_keras_" (node paths from the root, "root.layer-0"), in node order.
// Empty when the SavedModel has neither (a TF1 or non-Keras SavedModel).
// NOT_FOUND without saved_model.pb; DATA_LOSS naming the file when one does
// not parse.
Result<std::vector<KerasSavedObject>> read_keras_saved_objects(FileSystem& fs,
                                                               const std::string& export_dir);

// Writes `objects` as `export_dir`/keras_metadata.pb (temporary, synced,
// renamed); with none, removes a keras_metadata.pb left by an earlier export.
[[nodiscard]] Status write_keras_saved_objects(FileSystem& fs, const std::string& export_dir,
                                               const std::vector<KerasSavedObject>& objects);

}  // namespace cairn
