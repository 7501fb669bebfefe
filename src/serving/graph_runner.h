// Internal to serving: evaluates tensors of a GraphDef given fed tensors,
// running each needed node once, in dependency order, with the kernels of
// kernel.h. Only data inputs are followed; control inputs ("^node") are not
// run. A cycle among the needed nodes, an input naming a missing node or an
// op without a kernel is an error naming the node.
//
//   GraphRunner runner(meta.graph_def(), std::move(variables));
//   CAIRN_ASSIGN_OR_RETURN(auto outputs,
//       runner.run({{"x:0", x}}, {"y:0", "head/predictions/class_ids:0"}));
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/proto/graph.pb.h"

namespace cairn::serving::internal {

// "node:2" -> {"node", 2}; "node" -> {"node", 0}.
struct TensorRef {
  std::string node;
  int index = 0;
};
TensorRef parse_tensor_name(const std::string& name);

class GraphRunner {
 public:
  // `graph` is copied; `variables` maps variable node names to their values.
  GraphRunner(tensorflow::GraphDef graph, std::map<std::string, Tensor> variables);

  // The values of `fetches` (tensor names) with `feeds` (tensor name ->
  // value) standing in for whatever produces them. Thread-safe.
  Result<std::vector<Tensor>> run(const std::map<std::string, Tensor>& feeds,
                                  const std::vector<std::string>& fetches) const;

  const tensorflow::GraphDef& graph() const { return graph_; }

 private:
  struct Evaluation;
  Status evaluate(Evaluation& e, const std::string& fetch_node) const;
  Status compute(Evaluation& e, const tensorflow::NodeDef& node) const;

  tensorflow::GraphDef graph_;
  std::map<std::string, Tensor> variables_;
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes_;
};

}  // namespace cairn::serving::internal
