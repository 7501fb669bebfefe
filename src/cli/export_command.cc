#include "cli/export_command.h"

#include <ostream>

#include "cairn/estimator/estimator.h"
#include "cairn/formats/export/export.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "cli/guarded.h"
#include "cli/progress_output.h"

namespace cairn::cli {
namespace {

InferenceModel load_inference_model(const std::string& path) {
  FileSystem& fs = default_file_system();
  if (fs.file_exists(saved_model_pb_path(path))) {
    throw InvalidArgumentError(path +
                               " is already a SavedModel; export takes an Estimator model "
                               "directory or a whole-model file (.h5)");
  }
  if (fs.is_directory(path)) return estimator::Estimator::from_model_dir(path)->inference_model();
  if (!fs.file_exists(path)) throw NotFoundError("no model directory or model file at " + path);
  if (keras::is_functional_model_file(path)) {
    return keras::load_functional_model(path).inference_model();
  }
  return keras::load_model(path).inference_model();
}

void print_export_summary(const InferenceModel& m, ExportFormat format, const std::string& path,
                          std::ostream& out) {
  out << "Exported " << m.name << " as " << export_format_name(format) << " to " << path << "\n";
  out << "  input: " << m.input_name << " [batch";
  for (int64_t d : m.input_shape) out << ", " << d;
  out << "]";
  if (m.feature_names.size() > 1) {
    out << " =";
    for (size_t i = 0; i < m.feature_names.size(); ++i) {
      out << (i ? ", " : " ") << m.feature_names[i];
    }
  }
  if (format == ExportFormat::kTfjs) {  // a Keras model: its last layer's output only
    out << "\n  output: the last layer's activations (a classifier's probabilities)\n";
    return;
  }
  out << "\n  outputs:";
  for (const InferenceOutput& o : m.outputs) out << " " << o.name;
  out << "\n";
}

}  // namespace

int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("export", err, [&] {
    const std::optional<ExportFormat> format = export_format_from_name(cmd.format);
    if (!format) {
      throw InvalidArgumentError("--format '" + cmd.format +
                                 "' is not one of saved_model, onnx, tfjs");
    }
    const InferenceModel model = load_inference_model(cmd.model_path);
    std::unique_ptr<ProgressBar> bar = command_progress(err, "export", cmd.no_progress);
    throw_if_error(export_inference_model(
        default_file_system(), model, cmd.out, *format,
        {.force = cmd.force, .source = cmd.model_path, .progress = bar.get()}));
    if (bar) bar->finish();
    print_export_summary(model, *format, cmd.out, out);
  });
}

}  // namespace cairn::cli
