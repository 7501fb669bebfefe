// Restoring a SavedModel's variables without running its saver: the saver's
// subgraph only says which bundle key feeds which variable,
//
//   save/RestoreV2 (RestoreV2) <- save/Const, save/RestoreV2/tensor_names, ...
//   save/Assign_3  (Assign)    <- c, save/RestoreV2:3
//
// so variable "c" holds the bundle tensor tensor_names[3].
#include "serving/variables.h"

#include <unordered_map>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "serving/graph_runner.h"

namespace cairn::serving::internal {
namespace {

bool is_variable(const tensorflow::NodeDef& node) {
  return node.op() == "VariableV2" || node.op() == "Variable";
}

// The strings of the Const node `name`, or nullptr.
const tensorflow::TensorProto* string_const(
    const std::unordered_map<std::string, const tensorflow::NodeDef*>& nodes,
    const std::string& name) {
  auto it = nodes.find(parse_tensor_name(name).node);
  if (it == nodes.end() || it->second->op() != "Const") return nullptr;
  auto value = it->second->attr().find("value");
  return value == it->second->attr().end() ? nullptr : &value->second.tensor();
}

}  // namespace

std::map<std::string, std::string> saver_keys(const tensorflow::GraphDef& graph) {
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes;
  for (const auto& n : graph.node()) nodes.emplace(n.name(), &n);
  std::map<std::string, std::string> keys;
  for (const auto& n : graph.node()) {
    if (n.op() != "Assign" || n.input_size() < 2) continue;
    const TensorRef source = parse_tensor_name(n.input(1));
    auto restore = nodes.find(source.node);
    if (restore == nodes.end() || restore->second->op() != "RestoreV2" ||
        restore->second->input_size() < 2) {
      continue;
    }
    const tensorflow::TensorProto* names = string_const(nodes, restore->second->input(1));
    if (names == nullptr || source.index >= names->string_val_size()) continue;
    keys[parse_tensor_name(n.input(0)).node] = names->string_val(source.index);
  }
  return keys;
}

Result<std::map<std::string, Tensor>> restore_variables(FileSystem& fs,
                                                        const std::string& export_dir,
                                                        const tensorflow::GraphDef& graph) {
  std::vector<std::string> variables;
  for (const auto& n : graph.node()) {
    if (is_variable(n)) variables.push_back(n.name());
  }
  std::map<std::string, Tensor> values;
  if (variables.empty()) return values;
  const std::string prefix = saved_model_variables_prefix(export_dir);
  if (!fs.file_exists(bundle_index_path(prefix))) {
    return not_found_error(bundle_index_path(prefix) +
                           ": the SavedModel's variables are missing (" +
                           std::to_string(variables.size()) + " variable(s) in its graph)");
  }
  CAIRN_ASSIGN_OR_RETURN(auto reader, BundleReader::open(fs, prefix));
  const std::map<std::string, std::string> keys = saver_keys(graph);
  for (const std::string& name : variables) {
    auto key = keys.find(name);
    const std::string& bundle_key = key == keys.end() ? name : key->second;
    if (reader->find(bundle_key) == nullptr) {
      if (key == keys.end()) continue;  // not restored by the saver: stays uninitialized
      return not_found_error(bundle_index_path(prefix) + ": variable '" + name +
                             "' should be restored from '" + bundle_key +
                             "', which the bundle lacks");
    }
    CAIRN_ASSIGN_OR_RETURN(Tensor value, reader->read(bundle_key));
    values.emplace(name, std::move(value));
  }
  return values;
}

}  // namespace cairn::serving::internal
