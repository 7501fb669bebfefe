// Internal to formats: the serving graph of an InferenceModel together with
// the weights its variables hold, so the writer saves exactly the variables
// the graph declares.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/formats/graph/graph_builder.h"
#include "cairn/proto/meta_graph.pb.h"

namespace cairn::internal {

struct ServingExport {
  tensorflow::MetaGraphDef meta_graph;
  // (VariableV2 node name = bundle key, value), in graph order.
  std::vector<std::pair<std::string, Tensor>> variables;
};

// A tensor of the graph being built, with its static shape (-1: unknown).
struct GraphTensor {
  std::string node;
  std::vector<int64_t> dims;
  DType dtype = DType::kFloat32;
};

struct ServingGraph {
  GraphBuilder b;
  ServingExport out;
  std::vector<SaverVariable> saveables;
  std::vector<std::string> assigns;
  std::map<std::string, std::string> head;  // head node kind -> node, built once
};

// A VariableV2 named `name` holding `value` (saved with the model); returns
// the node reading it.
std::string add_variable(ServingGraph& g, const std::string& name, const Tensor& value);
// `x` through `activation` ("linear": x itself) in the scope `scope`.
Result<GraphTensor> add_graph_activation(ServingGraph& g, const std::string& scope,
                                         const std::string& activation, GraphTensor x);
// The nodes of kLayer step `s` (its Keras `config`) on `x`
// (saved_model_layers.cc): Conv2D, MaxPooling2D, AveragePooling2D,
// BatchNormalization (on images), GlobalAveragePooling2D, GlobalMaxPooling2D,
// Reshape; UNIMPLEMENTED naming the layer and SavedModel for any other.
Result<GraphTensor> add_serving_layer(ServingGraph& g, const InferenceStep& s,
                                      const nlohmann::json& config, GraphTensor x);

// See build_serving_meta_graph() in cairn/formats/saved_model.h.
Result<ServingExport> build_serving_export(const InferenceModel& model);

}  // namespace cairn::internal
