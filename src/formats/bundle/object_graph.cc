// TrackableObjectGraph (proto/cairn/proto/trackable_object_graph.proto), the
// object graph of a TF2 object-based checkpoint:
//
//   nodes[i]        one tracked object; nodes[0] is the root (the Checkpoint
//                   or the Keras model)
//     children      (node_id, local_name): the objects it tracks, by name
//     attributes    (name, full_name, checkpoint_key): the tensors it saves
//     slot_variables (original_variable_node_id, slot_name,
//                   slot_variable_node_id): on optimizers only
//
// Checkpoint keys spell an object's first breadth-first path from the root,
// each local name escaped ("." -> "..", "/" -> ".S"):
//   <path>/.ATTRIBUTES/<attribute>
//   <variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot>/.ATTRIBUTES/<attribute>
// TensorFlow numbers the nodes in breadth-first order from the root, then
// appends slot variables: per optimizer (by node id), per slot name (in the
// optimizer's order), per original variable (by node id).
#include "cairn/formats/bundle/object_graph.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "cairn/core/strings.h"
#include "cairn/proto/trackable_object_graph.pb.h"

namespace cairn {
namespace {

using TrackableObject = tensorflow::TrackableObjectGraph::TrackableObject;

constexpr std::string_view kAttributesMarker = ".ATTRIBUTES";
constexpr std::string_view kSlotMarker = ".OPTIMIZER_SLOT";

Status check_node_id(int id, size_t num_nodes, size_t node, const char* field) {
  if (id >= 0 && static_cast<size_t>(id) < num_nodes) return ok_status();
  return data_loss_error("object graph: node " + std::to_string(node) + " " + field +
                         " references node " + std::to_string(id) + " of " +
                         std::to_string(num_nodes));
}

ObjectGraph::Node node_from_proto(const TrackableObject& proto) {
  ObjectGraph::Node node;
  for (const auto& c : proto.children()) node.children.push_back({c.node_id(), c.local_name()});
  for (const auto& a : proto.attributes()) {
    node.attributes.push_back({a.name(), a.full_name(), a.checkpoint_key()});
  }
  for (const auto& s : proto.slot_variables()) {
    node.slot_variables.push_back(
        {s.original_variable_node_id(), s.slot_name(), s.slot_variable_node_id()});
  }
  return node;
}

Status check_node_ids(const ObjectGraph& graph) {
  size_t n = graph.nodes.size();
  for (size_t i = 0; i < n; ++i) {
    for (const auto& c : graph.nodes[i].children) {
      CAIRN_RETURN_IF_ERROR(check_node_id(c.node_id, n, i, "child"));
    }
    for (const auto& s : graph.nodes[i].slot_variables) {
      CAIRN_RETURN_IF_ERROR(check_node_id(s.original_variable_node_id, n, i, "slot variable"));
      CAIRN_RETURN_IF_ERROR(check_node_id(s.slot_variable_node_id, n, i, "slot variable"));
    }
  }
  return ok_status();
}

// ---- Checkpoint keys --------------------------------------------------------

// Undoes TF's escape_local_name: ".." -> ".", ".S" -> "/".
Result<std::string> unescape(std::string_view part, std::string_view key) {
  if (part.empty())
    return invalid_argument_error("checkpoint key \"" + std::string(key) +
                                  "\": empty name in object path");
  std::string out;
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '.') {
      out += part[i];
    } else if (i + 1 < part.size() && (part[i + 1] == '.' || part[i + 1] == 'S')) {
      out += part[++i] == '.' ? '.' : '/';
    } else {
      return invalid_argument_error("checkpoint key \"" + std::string(key) + "\": \"" +
                                    std::string(part) + "\" is not an escaped object name");
    }
  }
  return out;
}

// A key cut into its parts. Paths stay escaped, so "/"-joined they are unique.
struct ParsedKey {
  std::vector<std::string_view> path;            // the object's, or the slot's variable's
  std::vector<std::string_view> optimizer_path;  // non-empty for a slot variable
  std::string slot_name;
  std::string attribute;
};

Result<ParsedKey> parse_key(std::string_view key) {
  std::vector<std::string_view> parts = split(key, '/');
  if (parts.size() < 3 || parts[parts.size() - 2] != kAttributesMarker) {
    return invalid_argument_error("checkpoint key \"" + std::string(key) +
                                  "\" does not end in /.ATTRIBUTES/<name>");
  }
  ParsedKey parsed;
  CAIRN_ASSIGN_OR_RETURN(parsed.attribute, unescape(parts.back(), key));
  parts.resize(parts.size() - 2);
  auto slot = std::find(parts.begin(), parts.end(), kSlotMarker);
  parsed.path.assign(parts.begin(), slot);
  if (slot != parts.end()) {
    if (parts.end() - slot < 3) {
      return invalid_argument_error("checkpoint key \"" + std::string(key) +
                                    "\": no <optimizer path>/<slot> after .OPTIMIZER_SLOT");
    }
    parsed.optimizer_path.assign(slot + 1, parts.end() - 1);
    CAIRN_ASSIGN_OR_RETURN(parsed.slot_name, unescape(parts.back(), key));
  }
  for (const auto* path : {&parsed.path, &parsed.optimizer_path}) {
    for (std::string_view part : *path) CAIRN_RETURN_IF_ERROR(unescape(part, key).status());
  }
  if (parsed.path.empty()) {
    return invalid_argument_error("checkpoint key \"" + std::string(key) + "\": no object path");
  }
  return parsed;
}

// "a/b/": a path as PathTree indexes it.
std::string path_key(const std::vector<std::string_view>& path) { return join(path, "/") + "/"; }

// ---- Building a graph from keys --------------------------------------------

// Object paths as a tree; children in the order they were first inserted.
class PathTree {
 public:
  PathTree() : nodes_(1) {}

  // The index of `path` (escaped names), adding it and missing ancestors.
  int insert(const std::vector<std::string_view>& path) {
    int node = 0;
    std::string prefix;
    for (std::string_view part : path) {
      prefix.append(part) += '/';
      auto [it, added] = index_.emplace(prefix, static_cast<int>(nodes_.size()));
      if (added) {
        std::string name = unescape(part, "").value();  // parse_key checked it
        nodes_[node].children.emplace_back(std::move(name), it->second);
        nodes_.emplace_back();
      }
      node = it->second;
    }
    return node;
  }
  // -1 when `path` was never inserted.
  int find(const std::vector<std::string_view>& path) const {
    auto it = index_.find(path_key(path));
    return it == index_.end() ? -1 : it->second;
  }
  size_t size() const { return nodes_.size(); }
  const std::vector<std::pair<std::string, int>>& children(int node) const {
    return nodes_[node].children;
  }

 private:
  struct TreeNode {
    std::vector<std::pair<std::string, int>> children;  // local name, index
  };
  std::vector<TreeNode> nodes_;
  std::map<std::string, int> index_;  // "a/b/" -> index
};

// The node id of every tree index, numbered breadth-first from the root.
std::vector<int> breadth_first_ids(const PathTree& tree) {
  std::vector<int> id(tree.size(), -1);
  std::vector<int> queue = {0};
  id[0] = 0;
  for (size_t head = 0; head < queue.size(); ++head) {
    for (const auto& [name, child] : tree.children(queue[head])) {
      id[child] = static_cast<int>(queue.size());
      queue.push_back(child);
    }
  }
  return id;
}

// The slot variables one optimizer holds, keyed by slot name, then by the
// original variable's tree index.
struct OptimizerSlots {
  std::vector<std::string> slot_names;  // first-seen order
  std::map<std::string, std::map<int, std::vector<ObjectGraph::Attribute>>> by_slot;
};

// Gives every slot variable its node, after all path nodes, in TF's order.
void add_slot_nodes(const std::map<int, OptimizerSlots>& slots, const std::vector<int>& id,
                    ObjectGraph& graph) {
  std::vector<std::pair<int, const OptimizerSlots*>> optimizers;
  for (const auto& [tree_index, s] : slots) optimizers.emplace_back(id[tree_index], &s);
  std::sort(optimizers.begin(), optimizers.end());
  for (const auto& [optimizer_id, s] : optimizers) {
    for (const std::string& slot_name : s->slot_names) {
      std::map<int, const std::vector<ObjectGraph::Attribute>*> by_id;
      for (const auto& [tree_index, attrs] : s->by_slot.at(slot_name)) {
        by_id[id[tree_index]] = &attrs;
      }
      for (const auto& [original_id, attrs] : by_id) {
        int slot_id = static_cast<int>(graph.nodes.size());
        graph.nodes.push_back({.attributes = *attrs});
        graph.nodes[optimizer_id].slot_variables.push_back({original_id, slot_name, slot_id});
      }
    }
  }
}

}  // namespace

std::string serialize_object_graph(const ObjectGraph& graph) {
  tensorflow::TrackableObjectGraph proto;
  for (const ObjectGraph::Node& node : graph.nodes) {
    TrackableObject* object = proto.add_nodes();
    for (const auto& c : node.children) {
      auto* ref = object->add_children();
      ref->set_node_id(c.node_id);
      ref->set_local_name(c.local_name);
    }
    for (const auto& a : node.attributes) {
      auto* tensor = object->add_attributes();
      tensor->set_name(a.name);
      tensor->set_full_name(a.full_name);
      tensor->set_checkpoint_key(a.checkpoint_key);
    }
    for (const auto& s : node.slot_variables) {
      auto* slot = object->add_slot_variables();
      slot->set_original_variable_node_id(s.original_variable_node_id);
      slot->set_slot_name(s.slot_name);
      slot->set_slot_variable_node_id(s.slot_variable_node_id);
    }
  }
  return proto.SerializeAsString();
}

Result<ObjectGraph> parse_object_graph(std::string_view bytes) {
  tensorflow::TrackableObjectGraph proto;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return data_loss_error("object graph: " + std::to_string(bytes.size()) +
                           " bytes are not a TrackableObjectGraph proto");
  }
  if (proto.nodes_size() == 0) return data_loss_error("object graph: no root node");
  ObjectGraph graph;
  graph.nodes.reserve(proto.nodes_size());
  for (const TrackableObject& node : proto.nodes()) graph.nodes.push_back(node_from_proto(node));
  CAIRN_RETURN_IF_ERROR(check_node_ids(graph));
  return graph;
}

Result<ObjectGraph> object_graph_from_variables(const std::vector<ObjectGraphVariable>& variables) {
  PathTree tree;
  std::set<std::string_view> seen;
  std::map<int, std::vector<ObjectGraph::Attribute>> attributes;  // by tree index
  std::vector<std::pair<ParsedKey, ObjectGraph::Attribute>> slot_keys;
  for (const ObjectGraphVariable& v : variables) {
    if (!seen.insert(v.checkpoint_key).second) {
      return invalid_argument_error("checkpoint key \"" + v.checkpoint_key + "\" appears twice");
    }
    CAIRN_ASSIGN_OR_RETURN(ParsedKey key, parse_key(v.checkpoint_key));
    ObjectGraph::Attribute attribute{key.attribute, v.full_name, v.checkpoint_key};
    if (key.optimizer_path.empty()) {
      attributes[tree.insert(key.path)].push_back(std::move(attribute));
    } else {
      tree.insert(key.optimizer_path);
      slot_keys.emplace_back(std::move(key), std::move(attribute));
    }
  }
  std::map<int, OptimizerSlots> slots;  // by the optimizer's tree index
  for (auto& [key, attribute] : slot_keys) {
    int original = tree.find(key.path);
    if (original < 0 || !attributes.contains(original)) {
      return invalid_argument_error("slot variable \"" + attribute.checkpoint_key +
                                    "\": its variable " + path_key(key.path) + " has no key");
    }
    OptimizerSlots& s = slots[tree.find(key.optimizer_path)];
    auto [by_variable, added] = s.by_slot.try_emplace(key.slot_name);
    if (added) s.slot_names.push_back(key.slot_name);
    by_variable->second[original].push_back(std::move(attribute));
  }

  std::vector<int> id = breadth_first_ids(tree);
  ObjectGraph graph;
  graph.nodes.resize(tree.size());
  for (int t = 0; t < static_cast<int>(tree.size()); ++t) {
    ObjectGraph::Node& node = graph.nodes[id[t]];
    for (const auto& [name, child] : tree.children(t)) node.children.push_back({id[child], name});
    if (auto it = attributes.find(t); it != attributes.end()) node.attributes = it->second;
  }
  add_slot_nodes(slots, id, graph);
  return graph;
}

std::string escape_object_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '.') {
      out += "..";
    } else if (c == '/') {
      out += ".S";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> checkpoint_keys(const ObjectGraph& graph) {
  std::vector<std::string> keys;
  for (const ObjectGraph::Node& node : graph.nodes) {
    for (const auto& a : node.attributes) {
      if (!a.checkpoint_key.empty()) keys.push_back(a.checkpoint_key);
    }
  }
  return keys;
}

}  // namespace cairn
