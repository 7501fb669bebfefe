// ObjectGraph: the object graph of a TF2 object-based checkpoint, the
// serialized TrackableObjectGraph that tf.train.Checkpoint and Keras
// save_weights() store as the scalar string tensor _CHECKPOINTABLE_OBJECT_GRAPH
// beside variables keyed like "net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE".
// Layout and numbering rules: docs/formats/object_graph.md.
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::ObjectGraph graph, cairn::object_graph_from_variables({
//       {"net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE", "dense/kernel"},
//       {"optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE", "Adam/iter"},
//       {"net/l1/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE", ""}}));
//   CAIRN_RETURN_IF_ERROR(writer->add(cairn::kObjectGraphKey,
//       cairn::Tensor::from_strings({cairn::serialize_object_graph(graph)}, {})));
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::ObjectGraph read_back, cairn::parse_object_graph(bytes));
//   for (const std::string& key : cairn::checkpoint_keys(read_back)) { ... }
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"

namespace cairn {

// The bundle key under which the serialized graph is stored.
inline constexpr std::string_view kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

// A plain C++ view of a TrackableObjectGraph. Fields TF 2.10 added
// (registered_saver, has_checkpoint_values) are accepted on parse and dropped.
struct ObjectGraph {
  // An edge to `node_id`, named as its parent tracks it ("kernel", "layer-0").
  struct Child {
    int node_id = 0;
    std::string local_name;
    friend bool operator==(const Child&, const Child&) = default;
  };
  // A tensor the object saves: `name` is "VARIABLE_VALUE" for a variable,
  // `full_name` the variable's graph name ("dense/kernel", may be empty),
  // `checkpoint_key` its key in the bundle.
  struct Attribute {
    std::string name;
    std::string full_name;
    std::string checkpoint_key;
    friend bool operator==(const Attribute&, const Attribute&) = default;
  };
  // Listed by an optimizer: its slot `slot_name` ("m") for the variable at
  // `original_variable_node_id` is the node `slot_variable_node_id`.
  struct SlotVariable {
    int original_variable_node_id = 0;
    std::string slot_name;
    int slot_variable_node_id = 0;
    friend bool operator==(const SlotVariable&, const SlotVariable&) = default;
  };
  struct Node {
    std::vector<Child> children;
    std::vector<Attribute> attributes;
    std::vector<SlotVariable> slot_variables;
    friend bool operator==(const Node&, const Node&) = default;
  };

  std::vector<Node> nodes;  // node 0 is the root
  friend bool operator==(const ObjectGraph&, const ObjectGraph&) = default;
};

// The TrackableObjectGraph wire bytes of `graph`.
std::string serialize_object_graph(const ObjectGraph& graph);

// Decodes TrackableObjectGraph bytes. DATA_LOSS when they do not parse, hold
// no root node, or reference a node id outside the graph.
Result<ObjectGraph> parse_object_graph(std::string_view bytes);

// One saved tensor, for object_graph_from_variables().
struct ObjectGraphVariable {
  // "<object path>/.ATTRIBUTES/<attribute>", where the path's names are
  // escaped as TF escapes them ("." as "..", "/" as ".S"), or a slot variable
  // "<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot>/.ATTRIBUTES/<attribute>".
  std::string checkpoint_key;
  std::string full_name;  // may be empty
};

// Builds the graph TensorFlow writes for these tensors, so a writer only has
// to name its variables: one node per object path, numbered breadth-first
// from the root, each node's children in the order their first variable
// appears in `variables` (list them in creation order to match TF). Slot
// variables become nodes after all others, listed in their optimizer's
// slot_variables grouped by slot name (in order of first appearance), then by
// the original variable's node id. INVALID_ARGUMENT for a malformed or
// repeated key, or a slot whose original variable has no key of its own.
Result<ObjectGraph> object_graph_from_variables(const std::vector<ObjectGraphVariable>& variables);

// An object's local name as checkpoint keys spell it: TF's escape_local_name
// ("." -> "..", "/" -> ".S"), so "/" only separates path elements.
std::string escape_object_name(std::string_view name);

// Every non-empty checkpoint_key the graph's attributes name, by node id.
// (Iterators save "<path>/.ATTRIBUTES/ITERATOR" here but "..._STATE" in the
// bundle, as TF does.)
std::vector<std::string> checkpoint_keys(const ObjectGraph& graph);

}  // namespace cairn
