// The Keras model's assets cairn writes (TF 1.x's assets/saved_model.json
// and cairn_training_config.json), and TF 2.x's Keras metadata:
// keras_metadata.pb, or the TF 2.0-2.4 object graph's user objects.
#include "cairn/formats/export/keras_saved_metadata.h"

#include <deque>
#include <string_view>

#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/proto/keras_saved_metadata.pb.h"
#include "cairn/proto/saved_object_graph.pb.h"

namespace cairn {
namespace {

namespace kp = third_party::py::keras::protobuf;

bool is_keras_identifier(std::string_view identifier) {
  return identifier.starts_with("_tf_keras_");
}

// Each node's path from the root ("root", "root.layer-0"), breadth first as
// Keras names them; "" for nodes the root does not reach.
std::vector<std::string> node_paths(const tensorflow::SavedObjectGraph& graph) {
  std::vector<std::string> paths(static_cast<size_t>(graph.nodes_size()));
  if (paths.empty()) return paths;
  paths[0] = "root";
  std::deque<int> queue = {0};
  while (!queue.empty()) {
    const int id = queue.front();
    queue.pop_front();
    for (const auto& child : graph.nodes(id).children()) {
      const int to = child.node_id();
      if (to < 0 || to >= graph.nodes_size() || !paths[to].empty()) continue;
      paths[to] = paths[id] + "." + child.local_name();
      queue.push_back(to);
    }
  }
  return paths;
}

std::vector<KerasSavedObject> from_object_graph(const tensorflow::SavedObjectGraph& graph) {
  std::vector<KerasSavedObject> out;
  const std::vector<std::string> paths = node_paths(graph);
  for (int id = 0; id < graph.nodes_size(); ++id) {
    const tensorflow::SavedObject& node = graph.nodes(id);
    if (!node.has_user_object() || !is_keras_identifier(node.user_object().identifier())) {
      continue;
    }
    out.push_back({.node_id = id,
                   .node_path = paths[id],
                   .identifier = node.user_object().identifier(),
                   .metadata = node.user_object().metadata()});
  }
  return out;
}

Result<std::vector<KerasSavedObject>> read_metadata_file(FileSystem& fs, const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, fs.read_file(path));
  kp::SavedMetadata metadata;
  if (!metadata.ParseFromString(bytes)) {
    return data_loss_error(path + ": not a Keras SavedMetadata (the protobuf does not parse)");
  }
  std::vector<KerasSavedObject> out;
  for (const kp::SavedObject& node : metadata.nodes()) {
    out.push_back({.node_id = node.node_id(),
                   .node_path = node.node_path(),
                   .identifier = node.identifier(),
                   .metadata = node.metadata()});
  }
  return out;
}

Status remove_if_present(FileSystem& fs, const std::string& path) {
  return fs.file_exists(path) ? fs.remove_file(path) : ok_status();
}

}  // namespace

std::string keras_model_json_path(const std::string& export_dir) {
  return join_path(join_path(export_dir, "assets"), kKerasModelJsonAsset);
}

std::string cairn_training_config_path(const std::string& export_dir) {
  return join_path(join_path(export_dir, "assets"), kCairnTrainingConfigAsset);
}

std::string keras_metadata_path(const std::string& export_dir) {
  return join_path(export_dir, kKerasMetadataFilename);
}

Result<std::vector<KerasSavedObject>> read_keras_saved_objects(FileSystem& fs,
                                                               const std::string& export_dir) {
  CAIRN_ASSIGN_OR_RETURN(tensorflow::SavedModel saved, read_saved_model_proto(fs, export_dir));
  const std::string path = keras_metadata_path(export_dir);
  if (fs.file_exists(path)) return read_metadata_file(fs, path);
  for (const tensorflow::MetaGraphDef& meta_graph : saved.meta_graphs()) {
    if (meta_graph.has_object_graph_def()) return from_object_graph(meta_graph.object_graph_def());
  }
  return std::vector<KerasSavedObject>{};
}

Status write_keras_model_assets(FileSystem& fs, const std::string& export_dir,
                                const InferenceModel& model) {
  CAIRN_RETURN_IF_ERROR(remove_if_present(fs, keras_metadata_path(export_dir)));
  const std::string json = keras_model_json_path(export_dir);
  const std::string training = cairn_training_config_path(export_dir);
  if (!model.is_keras_model) {
    CAIRN_RETURN_IF_ERROR(remove_if_present(fs, json));
    return remove_if_present(fs, training);
  }
  CAIRN_RETURN_IF_ERROR(fs.write_file_atomically(json, model.keras_model_config));
  if (model.keras_training_config.empty()) return remove_if_present(fs, training);
  return fs.write_file_atomically(training, model.keras_training_config);
}

}  // namespace cairn
