// Exporting an InferenceModel for serving, in one of three formats that
// other runtimes load: a TensorFlow SavedModel directory, an ONNX file
// (ONNX Runtime) or a TensorFlow.js layers-model directory.
//
//   cairn::InferenceModel m = model.inference_model();   // Keras or Estimator
//   auto format = cairn::export_format_from_name("onnx");  // ExportFormat::kOnnx
//   cairn::Status s = cairn::export_inference_model(cairn::default_file_system(), m,
//                                                   "iris.onnx", *format,
//                                                   {.source = "models/iris"});
//
// What an export may replace: nothing, an empty directory, or a previous
// export of the same format (a directory holding saved_model.pb or
// model.json, a file that parses as an ONNX model). Anything else needs
// `force`, and even then never a symbolic link, a FIFO, a device or a
// socket, and never the model it comes from or a path inside it. An export
// replaces the previous one atomically: at every instant one complete export
// is at the path (directories: cairn/io/directory_swap.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cairn/core/progress.h"
#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"

namespace cairn {

enum class ExportFormat {
  kSavedModel,  // DIR/saved_model.pb, DIR/variables/, DIR/assets/
  kOnnx,        // one .onnx file (opset 13)
  kTfjs,        // DIR/model.json + DIR/group1-shard1of1.bin
};

struct ExportOptions {
  // Replace a regular file or a directory that is not a previous export.
  bool force = false;
  // The model directory (or model file) the export comes from: the output
  // may be neither it nor inside it (resolved paths). Empty: no such check.
  std::string source;
  // Hears of the bytes written so far, of a total not known ahead
  // (ProgressUnit::kBytes; cairn/io/progress_file_system.h). Borrowed; null:
  // nobody listens.
  Progress* progress = nullptr;
};

// "saved_model" (or "savedmodel", "tf"), "onnx", "tfjs" (or "tensorflowjs");
// nullopt for anything else.
std::optional<ExportFormat> export_format_from_name(std::string_view name);
std::string_view export_format_name(ExportFormat format);

// Writes `model` to `path` in `format`, replacing a previous export
// atomically. FAILED_PRECONDITION or ALREADY_EXISTS, naming `path` and what
// it is, when `path` may not be replaced (see above).
[[nodiscard]] Status export_inference_model(FileSystem& fs, const InferenceModel& model,
                                            const std::string& path, ExportFormat format,
                                            const ExportOptions& options = {});

}  // namespace cairn
