// Internal to the estimator layer: the TensorFlow graph of a canned
// Estimator (graph.pbtxt) and the MetaGraphDef saved beside every checkpoint
// (model.ckpt-N.meta), built from its ModelSpec and its variables so that
// TensorFlow can import, restore and run what cairn trained.
//
//   tensorflow::GraphDef graph = build_model_graph(spec, session.variable_infos());
//   std::string pbtxt = graph_to_pbtxt(graph);
//   std::string meta = build_meta_graph(spec, graph).SerializeAsString();
//   Result<ModelSpec> again = read_model_spec_from_meta(meta, "model.ckpt-200.meta");
//
// The graph, with TensorFlow 1.x's op types and node names:
//   <feature key>                                  Placeholder float [-1, width]
//   dnn/input_from_feature_columns/input_layer/concat   ConcatV2 of the features
//                                                  sorted by key (Identity for one)
//   dnn/hiddenlayer_K/{MatMul,BiasAdd,Relu|Tanh|...}   reading <kernel>/read, <bias>/read
//   dnn/logits/{MatMul,BiasAdd}
//   linear/linear_model/<key>/weighted_sum         MatMul per feature (LinearClassifier)
//   linear/linear_model/weighted_sum_no_bias       AddN (Identity for one)
//   linear/linear_model/weighted_sum               BiasAdd of bias_weights
//   head/predictions/probabilities                 Softmax (for one logit, of
//                                                  head/predictions/two_class_logits
//                                                  = [0, logit]; logistic = Sigmoid)
//   head/predictions/class_ids                     ArgMax (int64)
//   head/predictions/predictions                   Identity (regressors)
//   every variable V: V (VariableV2), V/Initializer/{zeros,Const,random_uniform},
//                     V/Assign, V/read; "init" runs every V/Assign
//   save/...                                       TensorFlow's sharded V2 saver
//
// Dropout is a training-time op and is not in the graph.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/status.h"
#include "cairn/estimator/model_spec.h"
#include "cairn/formats/graph/graph_builder.h"
#include "cairn/proto/meta_graph.pb.h"

namespace cairn::estimator {

// Name of the MetaGraphDef collection holding ModelSpec::to_json().
inline constexpr std::string_view kModelSpecCollection = "cairn_model_spec";

// The graph of `spec`'s model with a VariableV2 node for EVERY entry of
// `variables` (model variables, optimizer slots, global_step, ...), with
// the same name, dtype and shape, and a saver whose SaveV2/RestoreV2 list
// them sorted by name. Each layer uses the variables found under its scope
// ("dnn/hiddenlayer_K/": the rank-2 one is the kernel, the rank-1 one the
// bias, whatever their names); a model variable absent from `variables` is
// added under the spec's name (spec.kernel_name / spec.bias_name).
// Variables whose names are not valid graph node names (e.g. Keras's
// ".ATTRIBUTES/VARIABLE_VALUE" keys) get a sanitized node name; the saver
// still saves and restores them under their checkpoint name.
tensorflow::GraphDef build_model_graph(const ModelSpec& spec,
                                       const std::vector<VariableInfo>& variables);

// The MetaGraphDef of a checkpoint of `graph` (built by build_model_graph):
//   meta_info_def   meta_graph_version "cairn-0.1.0"; no tags (Estimator
//                   .meta files have none) and no stripped_op_list
//   saver_def       TensorFlow's sharded V2 saver: "save/Const:0",
//                   "save/Identity:0", "save/restore_all", max_to_keep 5
//   collection_def  "variables", "trainable_variables": serialized
//                   VariableDefs (bytes_list), as TensorFlow writes them, so
//                   tf.train.import_meta_graph rebuilds tf.Variables;
//                   "global_step": node_list ["global_step:0"] (as TF 1.0);
//                   kModelSpecCollection: bytes_list [spec.to_json()]
tensorflow::MetaGraphDef build_meta_graph(const ModelSpec& spec, const tensorflow::GraphDef& graph);

// The same for any graph: `trainable` names the VariableV2 nodes of
// trainable variables, and `record` is stored as the one value of the
// bytes_list collection `record_collection`.
tensorflow::MetaGraphDef build_meta_graph(const tensorflow::GraphDef& graph,
                                          const std::set<std::string>& trainable,
                                          std::string_view record_collection,
                                          const std::string& record);

// The graph of a model whose forward pass is `forward` (a serving graph:
// Placeholders, VariableV2 nodes named by checkpoint name and the layers'
// ops; its "init" and "save/" nodes are dropped), with a VariableV2 node
// added for each of `variables` it lacks (optimizer slots, global_step:
// zeros-initialised) and a sharded saver of all of `variables`, sorted by name.
tensorflow::GraphDef build_forward_model_graph(const tensorflow::GraphDef& forward,
                                               const std::vector<VariableInfo>& variables);

// The ModelSpec recorded in a serialized MetaGraphDef. NOT_FOUND when it has
// no kModelSpecCollection (TensorFlow wrote it); DATA_LOSS naming `path` when
// the bytes are not a MetaGraphDef or the recorded spec is malformed.
Result<ModelSpec> read_model_spec_from_meta(std::string_view serialized_meta_graph_def,
                                            const std::string& path);

// graph.pbtxt text (declared in cairn/formats/graph_builder.h).
using cairn::graph_to_pbtxt;

}  // namespace cairn::estimator
