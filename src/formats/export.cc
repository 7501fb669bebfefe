// One entry point over the three exporters.
#include "cairn/formats/export.h"

#include "cairn/formats/onnx_model.h"
#include "cairn/formats/saved_model.h"
#include "cairn/formats/tfjs_model.h"

namespace cairn {

std::optional<ExportFormat> export_format_from_name(std::string_view name) {
  if (name == "saved_model" || name == "savedmodel" || name == "tf") {
    return ExportFormat::kSavedModel;
  }
  if (name == "onnx") return ExportFormat::kOnnx;
  if (name == "tfjs" || name == "tensorflowjs") return ExportFormat::kTfjs;
  return std::nullopt;
}

std::string_view export_format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::kSavedModel:
      return "saved_model";
    case ExportFormat::kOnnx:
      return "onnx";
    case ExportFormat::kTfjs:
      return "tfjs";
  }
  return "";
}

Status export_inference_model(FileSystem& fs, const InferenceModel& model, const std::string& path,
                              ExportFormat format) {
  switch (format) {
    case ExportFormat::kSavedModel:
      return write_saved_model(fs, path, model);
    case ExportFormat::kOnnx:
      return write_onnx_model(fs, path, model);
    case ExportFormat::kTfjs:
      return write_tfjs_model(fs, path, model);
  }
  return invalid_argument_error("unknown export format");
}

}  // namespace cairn
