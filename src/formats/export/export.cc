// One entry point over the three exporters: what the output path may be,
// and replacing a previous export atomically.
#include "cairn/formats/export/export.h"

#include "cairn/formats/export/onnx_model.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/export/tfjs_model.h"
#include "cairn/io/directory_swap.h"
#include "cairn/io/progress_file_system.h"
#include "cairn/proto/onnx.pb.h"

namespace cairn {
namespace {

// The file that makes a directory an export of `format`.
const char* marker_file(ExportFormat format) {
  return format == ExportFormat::kSavedModel ? kSavedModelFilename : "model.json";
}

bool is_regular_file(FileSystem& fs, const std::string& path) {
  Result<FileType> type = fs.file_type(path);
  return type.ok() && *type == FileType::kRegular;
}

// `path` (of type `type`) holds an earlier export of `format`, or nothing.
bool is_previous_export(FileSystem& fs, const std::string& path, FileType type,
                        ExportFormat format) {
  if (format == ExportFormat::kOnnx) {
    if (type != FileType::kRegular) return false;
    Result<std::string> bytes = fs.read_file(path);
    onnx::ModelProto proto;
    return bytes.ok() && proto.ParseFromString(*bytes) && proto.ir_version() > 0 &&
           proto.has_graph();
  }
  if (type != FileType::kDirectory) return false;
  Result<std::vector<std::string>> names = fs.list_directory(path);
  return names.ok() &&
         (names->empty() || is_regular_file(fs, join_path(path, marker_file(format))));
}

std::string what_export_is(ExportFormat format) {
  switch (format) {
    case ExportFormat::kSavedModel:
      return "a SavedModel (a directory holding saved_model.pb)";
    case ExportFormat::kOnnx:
      return "an ONNX model file";
    case ExportFormat::kTfjs:
      return "a TensorFlow.js model (a directory holding model.json)";
  }
  return "";
}

Status check_outside_source(FileSystem& fs, const std::string& path, const std::string& source) {
  if (source.empty()) return ok_status();
  CAIRN_ASSIGN_OR_RETURN(std::string out, fs.real_path(path));
  CAIRN_ASSIGN_OR_RETURN(std::string model, fs.real_path(source));
  if (path_within(model, out) && out != model) {  // replacing `out` would delete the model
    return failed_precondition_error("export to " + path + " (" + out +
                                     "): it holds the model being exported (" + model +
                                     "); choose an output outside it");
  }
  if (!path_within(out, model)) return ok_status();
  return failed_precondition_error("export to " + path + " (" + out +
                                   "): that is the model being exported, or inside it (" + model +
                                   "); choose an output outside it");
}

// May `path` be replaced by an export of `format`? (See export.h.)
Status check_export_target(FileSystem& fs, const std::string& path, ExportFormat format,
                           const ExportOptions& options) {
  CAIRN_RETURN_IF_ERROR(check_outside_source(fs, path, options.source));
  CAIRN_ASSIGN_OR_RETURN(FileType type, fs.file_type(path));
  if (type == FileType::kMissing || is_previous_export(fs, path, type, format)) return ok_status();
  const std::string is = "export to " + path + ": it is a " + std::string(file_type_name(type));
  if (type != FileType::kRegular && type != FileType::kDirectory) {
    return failed_precondition_error(is + "; an export only replaces a file or a directory");
  }
  if (format == ExportFormat::kOnnx && type == FileType::kDirectory) {
    return failed_precondition_error(is + "; an ONNX export is one file");
  }
  if (options.force) return ok_status();
  return already_exists_error(is + ", not " + what_export_is(format) +
                              "; pass --force to replace it");
}

}  // namespace

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

namespace {

// Writes the export; a directory is swapped in whole, a file renamed in.
Status write_export(FileSystem& fs, const InferenceModel& model, const std::string& path,
                    ExportFormat format) {
  switch (format) {
    case ExportFormat::kSavedModel:
      return write_directory_atomically(
          fs, path, [&](const std::string& fresh) { return write_saved_model(fs, fresh, model); });
    case ExportFormat::kOnnx:
      return write_onnx_model(fs, path, model);
    case ExportFormat::kTfjs:
      return write_directory_atomically(
          fs, path, [&](const std::string& fresh) { return write_tfjs_model(fs, fresh, model); });
  }
  return invalid_argument_error("unknown export format");
}

}  // namespace

Status export_inference_model(FileSystem& fs, const InferenceModel& model, const std::string& path,
                              ExportFormat format, const ExportOptions& options) {
  CAIRN_RETURN_IF_ERROR(check_export_target(fs, path, format, options));
  ProgressFileSystem counted(fs, options.progress);
  Status written = write_export(counted, model, path, format);
  return written.ok() ? written : written.with_context("export to " + path);
}

}  // namespace cairn
