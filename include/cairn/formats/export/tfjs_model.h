// TensorFlow.js export: writes an InferenceModel as a TensorFlow.js "layers
// model" (the format tensorflowjs_converter makes from a Keras model), which
// tf.loadLayersModel loads in a browser or Node.js. The layout is described
// at the top of src/formats/tfjs_writer.cc.
//
//   cairn::InferenceModel model = sequential.inference_model();
//   CAIRN_RETURN_IF_ERROR(cairn::write_tfjs_model(cairn::default_file_system(),
//                                                 "models/iris_tfjs", model));
//   // JavaScript: await tf.loadLayersModel("https://host/models/iris_tfjs/model.json")
//
// The topology is `model.keras_model_config` (Keras 2.1 to 3 Sequential
// configs are accepted; the writer rewrites the few Keras 3 spellings
// TensorFlow.js does not read), so the model computes what that Keras
// model computes: its last layer's output, whatever `model.outputs` says.
// The outputs, the binary head flag and an Estimator's feature order are
// recorded in model.json's "userDefinedMetadata" for the caller to apply.
#pragma once

#include <string>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"

namespace cairn {

// Writes `dir`/model.json and `dir`/group1-shard1of1.bin through `fs`,
// creating `dir` if needed. Each file is replaced atomically, the weights
// first and model.json last, so a reader never sees a model.json whose
// weights are missing. INVALID_ARGUMENT, naming the layer or the model, when
// `model` is not one the exporter can write (see write_onnx_model), when
// keras_model_config is not a Keras Sequential config, or when a Dense layer
// of `model` has no layer of the same name in it; otherwise the error from `fs`.
[[nodiscard]] Status write_tfjs_model(FileSystem& fs, const std::string& dir,
                                      const InferenceModel& model);

}  // namespace cairn
