// Exporting an InferenceModel for serving, in one of three formats that
// other runtimes load: a TensorFlow SavedModel directory, an ONNX file
// (ONNX Runtime) or a TensorFlow.js layers-model directory.
//
//   cairn::InferenceModel m = model.inference_model();   // Keras or Estimator
//   auto format = cairn::export_format_from_name("onnx");  // ExportFormat::kOnnx
//   cairn::Status s = cairn::export_inference_model(cairn::default_file_system(), m,
//                                                   "iris.onnx", *format);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/formats/inference_model.h"
#include "cairn/io/file_system.h"

namespace cairn {

enum class ExportFormat {
  kSavedModel,  // DIR/saved_model.pb, DIR/variables/, DIR/assets/
  kOnnx,        // one .onnx file (opset 13)
  kTfjs,        // DIR/model.json + DIR/group1-shard1of1.bin
};

// "saved_model" (or "savedmodel", "tf"), "onnx", "tfjs" (or "tensorflowjs");
// nullopt for anything else.
std::optional<ExportFormat> export_format_from_name(std::string_view name);
std::string_view export_format_name(ExportFormat format);

// Writes `model` to `path` in `format`; every file is committed atomically.
[[nodiscard]] Status export_inference_model(FileSystem& fs, const InferenceModel& model,
                                            const std::string& path, ExportFormat format);

}  // namespace cairn
