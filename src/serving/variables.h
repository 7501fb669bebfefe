// Internal to serving: the values of a SavedModel graph's variables, read
// from its variables/variables bundle the way the graph's saver would
// restore them.
#pragma once

#include <map>
#include <string>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"
#include "cairn/proto/graph.pb.h"

namespace cairn::serving::internal {

// The bundle key each VariableV2/Variable node is restored from: the
// tensor_names entry of the RestoreV2 output its saver Assigns to it, for
// the variables the saver restores; nothing for the others.
std::map<std::string, std::string> saver_keys(const tensorflow::GraphDef& graph);

// Variable node name -> value. Variables the saver restores must be in the
// bundle (NOT_FOUND naming the bundle and key otherwise); without a saver,
// each variable is looked up by its node name and left out when absent.
// A graph without variables needs no bundle; one with variables needs
// `export_dir`/variables/variables (NOT_FOUND naming its .index otherwise).
Result<std::map<std::string, Tensor>> restore_variables(FileSystem& fs,
                                                        const std::string& export_dir,
                                                        const tensorflow::GraphDef& graph);

}  // namespace cairn::serving::internal
