// Internal to serving: evaluates tensors of a GraphDef given fed tensors,
// running each needed node once, in dependency order, with the kernels of
// kernel.h. Only data inputs are followed; control inputs ("^node") are not
// run. A cycle among the needed nodes, an input naming a missing node or an
// op without a kernel is an error naming the node.
//
//   CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<GraphRunner> runner,
//       GraphRunner::create(meta.graph_def(), std::move(variables), kDefaultMaxRunBytes));
//   CAIRN_ASSIGN_OR_RETURN(auto outputs,
//       runner->run({{"x:0", x}}, {"y:0", "head/predictions/class_ids:0"}));
//
// Each run computes at most `max_run_bytes` of tensors (every node's outputs,
// kept until the run ends): a kernel takes its output's bytes from the run's
// MemoryBudget before allocating them, so a graph asking for more fails with
// RESOURCE_EXHAUSTED naming the node and op instead of allocating.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
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
  // A runner of `graph`; `variables` maps variable node names to their
  // values. INVALID_ARGUMENT naming the node when two nodes share a name or
  // an input reads an output its node does not have ("x:5" of a
  // Placeholder), as TensorFlow's graph import refuses them.
  static Result<std::unique_ptr<GraphRunner>> create(tensorflow::GraphDef graph,
                                                     std::map<std::string, Tensor> variables,
                                                     int64_t max_run_bytes);

  // The values of `fetches` (tensor names) with `feeds` (tensor name ->
  // value) standing in for whatever produces them. Thread-safe.
  Result<std::vector<Tensor>> run(const std::map<std::string, Tensor>& feeds,
                                  const std::vector<std::string>& fetches) const;

  const tensorflow::GraphDef& graph() const { return graph_; }

 private:
  GraphRunner(tensorflow::GraphDef graph, std::map<std::string, Tensor> variables,
              int64_t max_run_bytes);
  Status check_graph() const;
  // INVALID_ARGUMENT "`use`, but node 'x' (Op) has 1 output(s)" when
  // `tensor` names an output its node (one with a kernel) lacks.
  Status check_output(const std::string& tensor, const std::string& use) const;

  struct Evaluation;
  Status evaluate(Evaluation& e, const std::string& fetch_node) const;
  Status compute(Evaluation& e, const tensorflow::NodeDef& node) const;

  tensorflow::GraphDef graph_;
  std::map<std::string, Tensor> variables_;
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes_;
  int64_t max_run_bytes_;
};

}  // namespace cairn::serving::internal
