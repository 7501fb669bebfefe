// Internal to serving: evaluates tensors of a GraphDef given fed tensors,
// running each needed node once, in dependency order, with the kernels of
// kernel.h, and the functions of a FunctionLibrary for the nodes that call
// one (StatefulPartitionedCall, PartitionedCall, or an op naming a
// function). In the top-level graph only data inputs are followed: control
// inputs ("^node") are not run. In a function body (GraphScope::
// run_control_inputs) they are, since they order its stateful ops (an
// assignment before a read). A cycle among the needed nodes, an input naming
// a missing node or an op without a kernel is an error naming the node.
//
//   CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<GraphRunner> runner,
//       GraphRunner::create(meta.graph_def(), std::move(variables), kDefaultMaxRunBytes));
//   CAIRN_ASSIGN_OR_RETURN(auto outputs,
//       runner->run({{"x:0", x}}, {"y:0", "head/predictions/class_ids:0"}));
//
// Each run computes at most `max_run_bytes` of tensors (every node's outputs,
// kept until the run ends, in the functions it calls too): a kernel takes
// its output's bytes from the run's MemoryBudget before allocating them, so
// a graph asking for more fails with RESOURCE_EXHAUSTED naming the node and
// op instead of allocating.
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
#include "serving/kernel.h"

namespace cairn::serving::internal {

class FunctionLibrary;  // function_library.h
class VariableStore;    // resource_variables.h

// "node:2" -> {"node", 2}; "node" -> {"node", 0}.
struct TensorRef {
  std::string node;
  int index = 0;
};
TensorRef parse_tensor_name(const std::string& name);

// What one SavedModel::run shares with the functions it calls.
struct RunState {
  explicit RunState(int64_t max_run_bytes) : budget(max_run_bytes) {}
  MemoryBudget budget;
  std::vector<std::string> calls;  // the functions being run, outermost first
};

// Where a runner's graph belongs.
struct GraphScope {
  std::string name;                          // "function 'f'", prefixed to errors; "" at top level
  const FunctionLibrary* library = nullptr;  // the functions nodes may call; none when null
  VariableStore* resources = nullptr;        // the resource variables kernels read and assign
  bool run_control_inputs = false;           // true in function bodies
};

class GraphRunner {
 public:
  // A runner of `graph`; `variables` maps variable node names to their
  // values. INVALID_ARGUMENT naming the node when two nodes share a name or
  // an input reads an output its node does not have ("x:5" of a
  // Placeholder), as TensorFlow's graph import refuses them.
  static Result<std::unique_ptr<GraphRunner>> create(tensorflow::GraphDef graph,
                                                     std::map<std::string, Tensor> variables,
                                                     int64_t max_run_bytes, GraphScope scope = {});

  // The values of `fetches` (tensor names) with `feeds` (tensor name ->
  // value) standing in for whatever produces them. Thread-safe.
  Result<std::vector<Tensor>> run(const std::map<std::string, Tensor>& feeds,
                                  const std::vector<std::string>& fetches) const;

  // The same within a run (a function call): the feeds are borrowed, the
  // `targets` nodes are run for their effects after the fetches, and the
  // tensors come from `state`'s budget. Errors are prefixed with the scope's name.
  Result<std::vector<Tensor>> run(const std::map<std::string, const Tensor*>& feeds,
                                  const std::vector<std::string>& fetches,
                                  const std::vector<std::string>& targets, RunState& state) const;

  const tensorflow::GraphDef& graph() const { return graph_; }

  // How many outputs `node` has: a call's function outputs, IdentityN's
  // inputs, num_outputs() of other ops with a kernel; -1 when unknown.
  int outputs_of(const tensorflow::NodeDef& node) const;

 private:
  GraphRunner(tensorflow::GraphDef graph, std::map<std::string, Tensor> variables,
              int64_t max_run_bytes, GraphScope scope);
  Status check_graph() const;
  // INVALID_ARGUMENT "`use`, but node 'x' (Op) has 1 output(s)" when
  // `tensor` names an output its node (one with a kernel) lacks.
  Status check_output(const std::string& tensor, const std::string& use) const;

  struct Evaluation;
  Status evaluate(Evaluation& e, const std::string& fetch_node) const;
  Status compute(Evaluation& e, const tensorflow::NodeDef& node) const;
  // UNIMPLEMENTED naming the node and op unless a kernel or a function runs it.
  Status check_runnable(const tensorflow::NodeDef& node) const;
  Result<std::vector<Tensor>> fetch(Evaluation& e, const std::vector<std::string>& fetches,
                                    const std::vector<std::string>& targets) const;

  tensorflow::GraphDef graph_;
  std::map<std::string, Tensor> variables_;
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes_;
  int64_t max_run_bytes_;
  GraphScope scope_;
};

}  // namespace cairn::serving::internal
