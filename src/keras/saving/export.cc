// Sequential::export_model, Model::export_model and the SavedModel branch of
// Sequential::save.
#include "cairn/formats/export/export.h"
#include "cairn/core/errors.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras {

namespace {

ExportFormat export_format_named(const std::string& format) {
  const std::optional<ExportFormat> f = export_format_from_name(format);
  if (!f) {
    throw InvalidArgumentError("export format '" + format +
                               "' is not one of saved_model, onnx, tfjs");
  }
  return *f;
}

}  // namespace

void Sequential::export_model(const std::string& path, const std::string& format) {
  const ExportFormat f = export_format_named(format);
  throw_if_error(export_inference_model(file_system(), inference_model(), path, f));
}

void Model::export_model(const std::string& path, const std::string& format) {
  const ExportFormat f = export_format_named(format);
  throw_if_error(export_inference_model(file_system(), inference_model(), path, f));
}

}  // namespace cairn::keras
