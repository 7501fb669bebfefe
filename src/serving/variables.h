// Internal to serving: the values of a SavedModel graph's variables, read
// from its variables/variables bundle: TensorFlow 1's the way the graph's
// saver would restore them, TensorFlow 2's resource variables through the
// object graph.
#pragma once

#include <map>
#include <string>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"
#include "cairn/proto/graph.pb.h"
#include "cairn/proto/meta_graph.pb.h"

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

// TensorFlow 2 (saved_object_variables.cc): the resource variables a
// SavedModel's top-level graph binds to its object graph. A node calling a
// concrete function of object_graph_def passes the function's bound_inputs
// as its last inputs; each that is a VarHandleOp bound to a SavedVariable
// maps the variable's name (shared_name, else node name) to the variable's
// object graph node id.
std::map<std::string, int> bound_variables(const tensorflow::MetaGraphDef& meta);

// Resource variable name -> value for bound_variables(meta): the bundle
// `export_dir`/variables/variables holds each under the checkpoint key of
// the node its object graph (_CHECKPOINTABLE_OBJECT_GRAPH) reaches by the
// same child names as the SavedObjectGraph ("v/.ATTRIBUTES/VARIABLE_VALUE").
// NOT_FOUND naming the .index and the variable when the bundle, its object
// graph or a value is missing; DATA_LOSS when a value's dtype differs from
// the SavedVariable's.
Result<std::map<std::string, Tensor>> restore_resource_variables(
    FileSystem& fs, const std::string& export_dir, const tensorflow::MetaGraphDef& meta);

}  // namespace cairn::serving::internal
