// Estimator::export_saved_model and export_model.
#include <chrono>

#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"
#include "cairn/formats/export/export.h"

namespace cairn::estimator {
namespace {

// export_dir_base/<seconds>, moved on by a second while that name is taken
// (TensorFlow's timestamped export directories).
std::string fresh_export_dir(FileSystem& fs, const std::string& base) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  while (fs.file_exists(base + "/" + std::to_string(seconds))) ++seconds;
  return base + "/" + std::to_string(seconds);
}

}  // namespace

std::string Estimator::export_saved_model(const std::string& export_dir_base) {
  InferenceModel model = inference_model();
  FileSystem& fs = *config_.file_system;
  const std::string dir = fresh_export_dir(fs, export_dir_base);
  throw_if_error(export_inference_model(fs, model, dir, ExportFormat::kSavedModel));
  return dir;
}

void Estimator::export_model(const std::string& path, const std::string& format) {
  const std::optional<ExportFormat> f = export_format_from_name(format);
  if (!f) {
    throw InvalidArgumentError("export format '" + format +
                               "' is not one of saved_model, onnx, tfjs");
  }
  throw_if_error(export_inference_model(*config_.file_system, inference_model(), path, *f));
}

}  // namespace cairn::estimator
