// Internal to src/checkpoint: a graph of trackables (trackable.h) as an
// object-based checkpoint sees it. A save numbers the objects breadth-first
// from the root and keys each tensor by the object's first path, as TF 2.x
// does (formats/bundle/object_graph.cc describes the numbering); a restore
// walks the saved graph and the objects side by side, matching children by
// name and slot variables by their variable, never by a variable's name.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "cairn/checkpoint/restore.h"
#include "cairn/checkpoint/restore_report.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/checkpoint/trackable.h"

namespace cairn::internal {

// "<path>/.ATTRIBUTES/<attribute>" (the root's path is empty).
std::string attribute_key(const std::string& path, const std::string& attribute);
// `path` extended by the escaped local name `name`.
std::string child_path(const std::string& path, const std::string& name);
// The path of slot `slot` of the variable at `variable_path` of the optimizer at `optimizer_path`.
std::string slot_path(const std::string& variable_path, const std::string& optimizer_path,
                      const std::string& slot);

// What a save writes: every object's tensors by checkpoint key (borrowed from
// the objects, which `objects` keeps alive), then _CHECKPOINTABLE_OBJECT_GRAPH.
struct ObjectGraphSave {
  NamedTensorRefs tensors;
  std::vector<TrackablePtr> objects;
  std::deque<Tensor> owned;  // the serialized graph
};
ObjectGraphSave save_object_graph(Trackable& root);

// A saved graph matched against the objects under `root`.
struct ObjectGraphMatch {
  std::vector<RestoreTarget> targets;  // one per value both sides have
  // Values of the objects the checkpoint does not hold, named by the key a
  // save would give them.
  std::vector<ReportedTensor> missing;
  // Checkpoint keys of saved values no object took, in node order.
  std::vector<std::string> unmatched;
  // The objects matched, for after_restore() once the values are read.
  std::vector<TrackablePtr> matched;
};
ObjectGraphMatch match_object_graph(const ObjectGraph& saved, Trackable& root);

}  // namespace cairn::internal
