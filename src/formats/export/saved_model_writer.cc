// Writing and reading the SavedModel directory (layout in
// cairn/formats/saved_model.h). The commit order is what makes an export
// safe to interrupt: a directory is a SavedModel once saved_model.pb exists,
// so that file goes first when overwriting and comes back last.
//
//   1. remove export_dir/saved_model.pb (an older export), sync the directory
//   2. BundleWriter: variables/variables.data-* then .index, synced, renamed
//   3. a Keras model's assets/saved_model.json (and training config), likewise
//   4. saved_model.pb: temporary, synced, renamed, directory synced
// export_inference_model (export.cc) goes further: it writes into a fresh
// sibling directory and swaps it in whole (cairn/io/directory_swap.h).
#include "cairn/formats/export/saved_model_writer.h"

#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/formats/export/keras_saved_metadata.h"
#include "formats/export/saved_model_graph.h"

namespace cairn {
namespace {

// SavedModel.saved_model_schema_version, as TensorFlow writes it.
constexpr int64_t kSchemaVersion = 1;

Status write_variables(FileSystem& fs, const std::string& export_dir,
                       const std::vector<std::pair<std::string, Tensor>>& variables) {
  CAIRN_RETURN_IF_ERROR(fs.create_directories(join_path(export_dir, "variables")));
  CAIRN_ASSIGN_OR_RETURN(auto writer,
                         BundleWriter::create(fs, saved_model_variables_prefix(export_dir)));
  for (const auto& [name, value] : variables) CAIRN_RETURN_IF_ERROR(writer->add(name, value));
  return writer->finish();
}

// Step 1: the directory stops looking like a complete SavedModel.
Status retire_old_export(FileSystem& fs, const std::string& export_dir) {
  const std::string pb = saved_model_pb_path(export_dir);
  if (!fs.file_exists(pb)) return ok_status();
  CAIRN_RETURN_IF_ERROR(fs.remove_file(pb));
  return fs.sync_directory(export_dir);
}

}  // namespace

std::string saved_model_pb_path(const std::string& export_dir) {
  return join_path(export_dir, kSavedModelFilename);
}

std::string saved_model_variables_prefix(const std::string& export_dir) {
  return join_path(join_path(export_dir, "variables"), "variables");
}

Result<tensorflow::MetaGraphDef> build_serving_meta_graph(const InferenceModel& model) {
  CAIRN_ASSIGN_OR_RETURN(internal::ServingExport e, internal::build_serving_export(model));
  return std::move(e.meta_graph);
}

Status write_saved_model(FileSystem& fs, const std::string& export_dir,
                         const InferenceModel& model) {
  CAIRN_ASSIGN_OR_RETURN(internal::ServingExport e, internal::build_serving_export(model));
  tensorflow::SavedModel saved;
  saved.set_saved_model_schema_version(kSchemaVersion);
  *saved.add_meta_graphs() = std::move(e.meta_graph);
  std::string bytes;
  if (!saved.SerializeToString(&bytes)) {
    return internal_error(saved_model_pb_path(export_dir) + ": cannot serialize the SavedModel");
  }
  CAIRN_RETURN_IF_ERROR(fs.create_directories(join_path(export_dir, "assets")));
  CAIRN_RETURN_IF_ERROR(retire_old_export(fs, export_dir));
  CAIRN_RETURN_IF_ERROR(write_variables(fs, export_dir, e.variables));
  CAIRN_RETURN_IF_ERROR(write_keras_model_assets(fs, export_dir, model));
  return fs.write_file_atomically(saved_model_pb_path(export_dir), bytes);
}

Result<tensorflow::SavedModel> read_saved_model_proto(FileSystem& fs,
                                                      const std::string& export_dir) {
  const std::string path = saved_model_pb_path(export_dir);
  if (!fs.file_exists(path)) {
    return not_found_error(path + ": no SavedModel here (saved_model.pb is missing)");
  }
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, fs.read_file(path));
  tensorflow::SavedModel saved;
  if (!saved.ParseFromString(bytes)) {
    return data_loss_error(path + ": not a SavedModel (the protobuf does not parse)");
  }
  if (saved.meta_graphs_size() == 0) {
    return data_loss_error(path + ": the SavedModel holds no MetaGraphDef");
  }
  return saved;
}

}  // namespace cairn
