// ONNX export: writes an InferenceModel as an ONNX model file (a serialized
// onnx.ModelProto, IR version 8, default operator set 13) that onnxruntime
// and other ONNX runtimes load. The file's layout is described at the top of
// src/formats/onnx_writer.cc.
//
//   cairn::InferenceModel model = classifier.inference_model();
//   CAIRN_RETURN_IF_ERROR(cairn::write_onnx_model(cairn::default_file_system(),
//                                                 "models/iris.onnx", model));
//
// The graph has one float32 input named `model.input_name` of shape
// [batch, input_shape...] ("batch" is symbolic) and one graph output per
// `model.outputs`, named as they are: float32 [batch, units] values, or int64
// [batch, 1] class ids. An Estimator's features arrive concatenated in one
// input; the model's metadata_props record their order ("feature_names",
// comma-separated) and widths ("feature_widths").
#pragma once

#include <string>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"

namespace cairn {

// Writes `model` to `path` through `fs`, replacing any file there atomically
// (fs.write_file_atomically): on failure the previous file is left as it was.
// INVALID_ARGUMENT, naming the layer or the model, when `model` is not one
// the exporter can write (unknown activation, a kernel or bias of the wrong
// dtype or shape, repeated names; see check_inference_model in
// src/formats/inference_model_checks.h); otherwise the error from `fs`.
[[nodiscard]] Status write_onnx_model(FileSystem& fs, const std::string& path,
                                      const InferenceModel& model);

}  // namespace cairn
