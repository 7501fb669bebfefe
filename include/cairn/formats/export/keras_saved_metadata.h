// The Keras side of a SavedModel directory: what keras::load_model(dir)
// reads to rebuild a Keras model rather than a bare function, in the three
// places TensorFlow has kept it.
//   - assets/saved_model.json: the model's to_json(), written by TF 1.x's
//     tf.contrib.saved_model.save_keras_model and by cairn's exports of
//     Keras models. TF 1.x stored no training config; cairn adds its
//     compile() config as assets/cairn_training_config.json. Neither file is
//     listed in the graph's asset collection (as TF 1.x): TF Serving ignores
//     them.
//   - keras_metadata.pb (TF 2.5+ and Keras 2.x; SavedMetadata,
//     proto/cairn/proto/keras_saved_metadata.proto): one KerasSavedObject
//     per Keras object. Read only: cairn never writes it, since
//     tf.keras.models.load_model would then expect an object graph.
//   - the object graph's SavedUserObjects (TF 2.0-2.4), the same JSON.
// The JSON stays opaque here: the keras layer writes and parses it.
//
//   if (fs.file_exists(keras_model_json_path(dir))) ...  // TF 1.x / cairn
//   auto objects = cairn::read_keras_saved_objects(fs, "saved_models/1546300800");
//   if (objects.ok() && !objects->empty()) parse((*objects)[0].metadata);  // the model
#pragma once

#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"

namespace cairn {

inline constexpr char kKerasModelJsonAsset[] = "saved_model.json";
inline constexpr char kCairnTrainingConfigAsset[] = "cairn_training_config.json";
inline constexpr char kKerasMetadataFilename[] = "keras_metadata.pb";

// "<export_dir>/assets/saved_model.json", "<export_dir>/assets/
// cairn_training_config.json", "<export_dir>/keras_metadata.pb".
std::string keras_model_json_path(const std::string& export_dir);
std::string cairn_training_config_path(const std::string& export_dir);
std::string keras_metadata_path(const std::string& export_dir);

// Writes a Keras model's assets/saved_model.json (model.keras_model_config)
// and, when compiled, assets/cairn_training_config.json, each atomically;
// removes those `model` does not have (an Estimator's export, an uncompiled
// model) and any keras_metadata.pb, left by an earlier export.
[[nodiscard]] Status write_keras_model_assets(FileSystem& fs, const std::string& export_dir,
                                              const InferenceModel& model);

// One Keras object (the model, a layer) as TF 2.x records it.
struct KerasSavedObject {
  int32_t node_id = 0;     // the object's node in the SavedObjectGraph
  std::string node_path;   // "root", "root.layer-0"
  std::string identifier;  // "_tf_keras_sequential", "_tf_keras_layer", ...
  std::string metadata;    // JSON: class_name, name, config, ...
};

// The TF 2.x Keras objects `export_dir` records: those of keras_metadata.pb,
// or else the object graph's user objects whose identifier starts with
// "_tf_keras_" (node paths from the root, "root.layer-0"), in node order.
// Empty when the SavedModel has neither (a TF1 or non-Keras SavedModel).
// NOT_FOUND without saved_model.pb; DATA_LOSS naming the file when one does
// not parse.
Result<std::vector<KerasSavedObject>> read_keras_saved_objects(FileSystem& fs,
                                                               const std::string& export_dir);

}  // namespace cairn
