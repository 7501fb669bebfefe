// Writing an InferenceModel as a TensorFlow SavedModel, the directory that
// TensorFlow Serving, tf.saved_model.load and saved_model_cli read:
//
//   export_dir/saved_model.pb                      SavedModel proto
//                                                  (proto/cairn/proto/saved_model.proto)
//   export_dir/variables/variables.index           tensor bundle of the weights,
//   export_dir/variables/variables.data-00000-of-00001   keyed by variable node name
//   export_dir/assets/                             empty, but for Keras models:
//   export_dir/assets/saved_model.json             their to_json(), as TF 1.x's
//   export_dir/assets/cairn_training_config.json   save_keras_model, and compile()'s
//                                                  (cairn/formats/export/keras_saved_metadata.h)
//
// saved_model.pb holds one MetaGraphDef tagged "serve": a TensorFlow 1.x
// graph of standard ops (Placeholder, VariableV2, MatMul, BiasAdd, Relu, ...,
// and tf.train.Saver's save/restore subgraph), its SaverDef, and the
// "serving_default" SignatureDef (method "tensorflow/serving/predict"). TF's
// loader feeds "<export_dir>/variables/variables" to the SaverDef's filename
// tensor and runs its restore op, which assigns every variable.
//
//   cairn::Status s = cairn::write_saved_model(cairn::default_file_system(),
//                                              "export/1", model.inference_model());
//
// Inputs of the signature: one float32 [-1, width] per Estimator feature
// (named feature_names[i]), or a single float32 [-1, input_shape...] named
// input_name. Outputs: one per InferenceOutput, named as it says.
#pragma once

#include <string>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"
#include "cairn/proto/meta_graph.pb.h"
#include "cairn/proto/saved_model.pb.h"

namespace cairn {

// The MetaGraphDef collection (a BytesList) holding an Estimator export's
// feature keys in their declared (CSV column) order.
inline constexpr char kFeatureColumnsCollection[] = "cairn_feature_columns";

inline constexpr char kSavedModelFilename[] = "saved_model.pb";
inline constexpr char kSavedModelServeTag[] = "serve";
inline constexpr char kDefaultServingSignature[] = "serving_default";
inline constexpr char kPredictMethodName[] = "tensorflow/serving/predict";

// "<export_dir>/saved_model.pb" and "<export_dir>/variables/variables" (the
// bundle prefix).
std::string saved_model_pb_path(const std::string& export_dir);
std::string saved_model_variables_prefix(const std::string& export_dir);

// The "serve" MetaGraphDef write_saved_model() stores for `model`.
// INVALID_ARGUMENT when the model is inconsistent (a kernel that does not fit
// its input, no steps, an unknown activation, feature widths that do not add
// up to the first kernel's rows, ...).
Result<tensorflow::MetaGraphDef> build_serving_meta_graph(const InferenceModel& model);

// Writes the SavedModel directory `export_dir` (created if needed). The
// variables are committed first and saved_model.pb last, each written to a
// temporary, synced and renamed; an existing saved_model.pb is removed before
// anything else, so an interrupted export never looks like a complete one.
[[nodiscard]] Status write_saved_model(FileSystem& fs, const std::string& export_dir,
                                       const InferenceModel& model);

// Reads and parses `export_dir`/saved_model.pb. NOT_FOUND when it is missing,
// DATA_LOSS when it does not parse; both name the file.
Result<tensorflow::SavedModel> read_saved_model_proto(FileSystem& fs,
                                                      const std::string& export_dir);

}  // namespace cairn
