// Restoring a TF2 SavedModel's resource variables through its object graph:
//
//   graph_def:  StatefulPartitionedCall(serving_default_x, v)  f=__inference_signature_wrapper_32
//               v = VarHandleOp(shared_name="Variable")
//   object_graph_def.concrete_functions["__inference_signature_wrapper_32"].bound_inputs = [1]
//   object_graph_def.nodes: 0 (root) --"v"--> 1 (SavedVariable)
//   variables/ object graph: 0 (root) --"v"--> 1, VARIABLE_VALUE at "v/.ATTRIBUTES/VARIABLE_VALUE"
//
// so the variable "Variable" holds the bundle tensor v/.ATTRIBUTES/VARIABLE_VALUE.
#include <deque>
#include <unordered_map>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/object_graph.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "serving/function_library.h"
#include "serving/graph_runner.h"
#include "serving/resource_variables.h"
#include "serving/variables.h"

namespace cairn::serving::internal {
namespace {

// The node id of the checkpoint's object graph for each node of the saved
// one, found by following the same child names from both roots (as
// TensorFlow's loader does); -1 for nodes the checkpoint lacks.
std::vector<int> checkpoint_nodes(const tensorflow::SavedObjectGraph& saved,
                                  const ObjectGraph& checkpoint) {
  std::vector<int> out(static_cast<size_t>(saved.nodes_size()), -1);
  if (out.empty() || checkpoint.nodes.empty()) return out;
  std::deque<std::pair<int, int>> queue = {{0, 0}};
  out[0] = 0;
  while (!queue.empty()) {
    const auto [s, c] = queue.front();
    queue.pop_front();
    for (const auto& child : saved.nodes(s).children()) {
      const int id = child.node_id();
      if (id < 0 || id >= saved.nodes_size() || out[static_cast<size_t>(id)] >= 0) continue;
      for (const ObjectGraph::Child& match : checkpoint.nodes[static_cast<size_t>(c)].children) {
        if (match.local_name != child.local_name()) continue;
        out[static_cast<size_t>(id)] = match.node_id;
        queue.emplace_back(id, match.node_id);
        break;
      }
    }
  }
  return out;
}

}  // namespace

std::map<std::string, int> bound_variables(const tensorflow::MetaGraphDef& meta) {
  const tensorflow::SavedObjectGraph& saved = meta.object_graph_def();
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes;
  for (const auto& n : meta.graph_def().node()) nodes.emplace(n.name(), &n);
  std::map<std::string, int> out;
  for (const auto& call : meta.graph_def().node()) {
    auto f = call.attr().find("f");
    if (!is_call_op(call.op()) || f == call.attr().end()) continue;
    auto concrete = saved.concrete_functions().find(f->second.func().name());
    if (concrete == saved.concrete_functions().end()) continue;
    std::vector<std::string> inputs;
    for (const std::string& input : call.input()) {
      if (input.empty() || input[0] != '^') inputs.push_back(input);
    }
    const auto& bound = concrete->second.bound_inputs();
    if (bound.size() > static_cast<int>(inputs.size())) continue;
    const size_t first = inputs.size() - static_cast<size_t>(bound.size());
    for (int j = 0; j < bound.size(); ++j) {
      auto handle = nodes.find(parse_tensor_name(inputs[first + static_cast<size_t>(j)]).node);
      const int id = bound[j];
      if (handle == nodes.end() || handle->second->op() != "VarHandleOp" || id < 0 ||
          id >= saved.nodes_size() || !saved.nodes(id).has_variable()) {
        continue;
      }
      out.emplace(variable_name(*handle->second), id);
    }
  }
  return out;
}

Result<std::map<std::string, Tensor>> restore_resource_variables(
    FileSystem& fs, const std::string& export_dir, const tensorflow::MetaGraphDef& meta) {
  const std::map<std::string, int> bound = bound_variables(meta);
  std::map<std::string, Tensor> values;
  if (bound.empty()) return values;
  const std::string prefix = saved_model_variables_prefix(export_dir);
  const std::string index = bundle_index_path(prefix);
  if (!fs.file_exists(index)) {
    return not_found_error(index + ": the SavedModel's variables are missing (" +
                           std::to_string(bound.size()) + " variable(s) in its object graph)");
  }
  CAIRN_ASSIGN_OR_RETURN(auto reader, BundleReader::open(fs, prefix));
  if (reader->find(kObjectGraphKey) == nullptr) {
    return not_found_error(index + ": no " + std::string(kObjectGraphKey) +
                           ", so the variables of the object graph cannot be found");
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor graph_bytes, reader->read(kObjectGraphKey));
  if (graph_bytes.dtype() != DType::kString || graph_bytes.num_elements() != 1) {
    return data_loss_error(index + ": " + std::string(kObjectGraphKey) + " is not a string scalar");
  }
  auto checkpoint = parse_object_graph(graph_bytes.strings()[0]);
  if (!checkpoint.ok()) return checkpoint.status().with_context(index);
  const std::vector<int> ids = checkpoint_nodes(meta.object_graph_def(), *checkpoint);
  for (const auto& [name, saved_id] : bound) {
    const int id = ids[static_cast<size_t>(saved_id)];
    std::string key;
    if (id >= 0) {
      for (const auto& a : checkpoint->nodes[static_cast<size_t>(id)].attributes) {
        if (a.name == "VARIABLE_VALUE") key = a.checkpoint_key;
      }
    }
    if (key.empty() || reader->find(key) == nullptr) {
      return not_found_error(index + ": variable '" + name + "' (object graph node " +
                             std::to_string(saved_id) + ") has no value in the checkpoint" +
                             (key.empty() ? std::string() : " (key '" + key + "')"));
    }
    CAIRN_ASSIGN_OR_RETURN(Tensor value, reader->read(key));
    const int want = static_cast<int>(meta.object_graph_def().nodes(saved_id).variable().dtype());
    if (static_cast<int>(value.dtype()) != want) {
      return data_loss_error(index + ": variable '" + name + "' is " +
                             std::string(dtype_name(value.dtype())) + " under '" + key +
                             "', its object graph says DataType " + std::to_string(want));
    }
    values.emplace(name, std::move(value));
  }
  return values;
}

}  // namespace cairn::serving::internal
