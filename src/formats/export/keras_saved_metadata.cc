// keras_metadata.pb, and the TF 2.0-2.4 Keras metadata of the object graph.
#include "cairn/formats/export/keras_saved_metadata.h"

#include <deque>
#include <string_view>

#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/proto/keras_saved_metadata.pb.h"
#include "cairn/proto/saved_object_graph.pb.h"

namespace cairn {
namespace {

namespace kp = third_party::py::keras::protobuf;

// The version Keras records for the objects it serializes.
constexpr int kMetadataProducer = 1;
constexpr int kMetadataMinConsumer = 1;

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

}  // namespace

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

Status write_keras_saved_objects(FileSystem& fs, const std::string& export_dir,
                                 const std::vector<KerasSavedObject>& objects) {
  const std::string path = keras_metadata_path(export_dir);
  if (objects.empty()) return fs.file_exists(path) ? fs.remove_file(path) : ok_status();
  kp::SavedMetadata metadata;
  for (const KerasSavedObject& object : objects) {
    kp::SavedObject* node = metadata.add_nodes();
    node->set_node_id(object.node_id);
    node->set_node_path(object.node_path);
    node->set_identifier(object.identifier);
    node->set_metadata(object.metadata);
    node->mutable_version()->set_producer(kMetadataProducer);
    node->mutable_version()->set_min_consumer(kMetadataMinConsumer);
  }
  std::string bytes;
  if (!metadata.SerializeToString(&bytes)) {
    return internal_error(path + ": cannot serialize the Keras metadata");
  }
  return fs.write_file_atomically(path, bytes);
}

}  // namespace cairn
