// Internal to formats: the serving graph of an InferenceModel together with
// the weights its variables hold, so the writer saves exactly the variables
// the graph declares.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/proto/meta_graph.pb.h"

namespace cairn::internal {

struct ServingExport {
  tensorflow::MetaGraphDef meta_graph;
  // (VariableV2 node name = bundle key, value), in graph order.
  std::vector<std::pair<std::string, Tensor>> variables;
};

// See build_serving_meta_graph() in cairn/formats/saved_model.h.
Result<ServingExport> build_serving_export(const InferenceModel& model);

}  // namespace cairn::internal
