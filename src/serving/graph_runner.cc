// GraphRunner: a depth-first walk from the fetched nodes through their data
// inputs, with an explicit stack (deep graphs cannot overflow the C++ stack)
// and memoized outputs. A node is "in progress" from when its inputs are
// pushed until it is computed; meeting an in-progress node again is a cycle.
#include "serving/graph_runner.h"

#include <cctype>
#include <new>
#include <unordered_set>

#include "serving/kernel.h"

namespace cairn::serving::internal {

TensorRef parse_tensor_name(const std::string& name) {
  const size_t colon = name.rfind(':');
  if (colon == std::string::npos || colon + 1 == name.size() || name.size() - colon > 10) {
    return {name, 0};
  }
  int index = 0;
  for (size_t i = colon + 1; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return {name, 0};
    index = index * 10 + (name[i] - '0');
  }
  return {name.substr(0, colon), index};
}

namespace {

std::string canonical(const std::string& name) {
  TensorRef ref = parse_tensor_name(name);
  return ref.node + ":" + std::to_string(ref.index);
}

bool is_control(const std::string& input) { return !input.empty() && input[0] == '^'; }

std::string unsupported_hint(const std::string& op) {
  if (op == "StatefulPartitionedCall" || op == "PartitionedCall") {
    return " (a TensorFlow 2 function call: SavedModels of tf.function graphs are not supported)";
  }
  if (op == "ParseExample" || op == "ParseExampleV2") {
    return " (signatures that take serialized tf.Example protos are not supported; use one that "
           "takes tensors)";
  }
  return "";
}

// Checked before a node's inputs are evaluated, so the error names the op a
// signature cannot do without (a StatefulPartitionedCall, not the variable
// handle it reads).
Status unsupported(const tensorflow::NodeDef& node) {
  return unimplemented_error("node '" + node.name() + "' has op " + node.op() +
                             ", which cairn's graph interpreter does not support" +
                             unsupported_hint(node.op()));
}

// kernel(ctx), with an allocation that fails outside MemoryBudget's
// accounting (an index list, a vector of ints) reported for the node.
Result<std::vector<Tensor>> run_kernel(Kernel kernel, const KernelContext& ctx) {
  try {
    return kernel(ctx);
  } catch (const std::bad_alloc&) {
    return resource_exhausted_error("node '" + ctx.node.name() + "' (" + ctx.node.op() +
                                    "): out of memory");
  }
}

}  // namespace

struct GraphRunner::Evaluation {
  std::map<std::string, Tensor> feeds;  // by canonical tensor name
  std::unordered_map<std::string, std::vector<Tensor>> done;
  MemoryBudget budget;

  const Tensor* fed(const std::string& input) const {
    auto it = feeds.find(canonical(input));
    return it == feeds.end() ? nullptr : &it->second;
  }
};

GraphRunner::GraphRunner(tensorflow::GraphDef graph, std::map<std::string, Tensor> variables,
                         int64_t max_run_bytes)
    : graph_(std::move(graph)), variables_(std::move(variables)), max_run_bytes_(max_run_bytes) {}

Result<std::unique_ptr<GraphRunner>> GraphRunner::create(tensorflow::GraphDef graph,
                                                         std::map<std::string, Tensor> variables,
                                                         int64_t max_run_bytes) {
  std::unique_ptr<GraphRunner> runner(
      new GraphRunner(std::move(graph), std::move(variables), max_run_bytes));
  for (const auto& node : runner->graph_.node()) {
    if (!runner->nodes_.emplace(node.name(), &node).second) {
      return invalid_argument_error("the graph has two nodes named '" + node.name() + "'");
    }
  }
  CAIRN_RETURN_IF_ERROR(runner->check_graph());
  return runner;
}

// Every data input that names a node with a kernel reads an output the node has.
Status GraphRunner::check_graph() const {
  for (const auto& node : graph_.node()) {
    for (const std::string& input : node.input()) {
      if (is_control(input)) continue;
      CAIRN_RETURN_IF_ERROR(check_output(input, "node '" + node.name() + "' reads " + input));
    }
  }
  return ok_status();
}

Status GraphRunner::check_output(const std::string& tensor, const std::string& use) const {
  const TensorRef ref = parse_tensor_name(tensor);
  auto source = nodes_.find(ref.node);
  if (source == nodes_.end() || find_kernel(source->second->op()) == nullptr) return ok_status();
  const int outputs = num_outputs(*source->second);
  if (ref.index < outputs) return ok_status();
  return invalid_argument_error(use + ", but node '" + ref.node + "' (" + source->second->op() +
                                ") has " + std::to_string(outputs) + " output(s)");
}

Status GraphRunner::compute(Evaluation& e, const tensorflow::NodeDef& node) const {
  Kernel kernel = find_kernel(node.op());
  if (kernel == nullptr) return unsupported(node);
  KernelContext ctx{node, {}, variables_, e.budget};
  for (const std::string& input : node.input()) {
    if (is_control(input)) continue;
    const Tensor* t = e.fed(input);
    if (t == nullptr) {
      const TensorRef ref = parse_tensor_name(input);
      const std::vector<Tensor>& outputs = e.done.at(ref.node);
      if (static_cast<size_t>(ref.index) >= outputs.size()) {
        return invalid_argument_error("node '" + node.name() + "' reads " + input + ", but node '" +
                                      ref.node + "' has " + std::to_string(outputs.size()) +
                                      " output(s)");
      }
      t = &outputs[static_cast<size_t>(ref.index)];
    }
    ctx.inputs.push_back(t);
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<Tensor> outputs, run_kernel(kernel, ctx));
  e.done[node.name()] = std::move(outputs);
  return ok_status();
}

Status GraphRunner::evaluate(Evaluation& e, const std::string& fetch_node) const {
  struct Frame {
    const tensorflow::NodeDef* node;
    bool expanded;
  };
  std::vector<Frame> stack;
  std::unordered_set<std::string> in_progress;
  auto push = [&](const std::string& name, const std::string& reader) -> Status {
    auto it = nodes_.find(name);
    if (it == nodes_.end()) {
      return invalid_argument_error(reader.empty() ? "the graph has no node '" + name + "'"
                                                   : "node '" + reader + "' reads node '" + name +
                                                         "', which the graph lacks");
    }
    if (in_progress.count(name)) {
      return invalid_argument_error("the graph has a cycle through node '" + name + "'");
    }
    if (!e.done.count(name)) stack.push_back({it->second, false});
    return ok_status();
  };
  CAIRN_RETURN_IF_ERROR(push(fetch_node, ""));
  while (!stack.empty()) {
    const tensorflow::NodeDef& node = *stack.back().node;
    if (e.done.count(node.name())) {
      stack.pop_back();
    } else if (stack.back().expanded) {
      CAIRN_RETURN_IF_ERROR(compute(e, node));
      in_progress.erase(node.name());
      stack.pop_back();
    } else {
      if (find_kernel(node.op()) == nullptr) return unsupported(node);
      stack.back().expanded = true;
      in_progress.insert(node.name());
      for (const std::string& input : node.input()) {
        if (is_control(input) || e.fed(input) != nullptr) continue;
        CAIRN_RETURN_IF_ERROR(push(parse_tensor_name(input).node, node.name()));
      }
    }
  }
  return ok_status();
}

Result<std::vector<Tensor>> GraphRunner::run(const std::map<std::string, Tensor>& feeds,
                                             const std::vector<std::string>& fetches) const {
  Evaluation e{{}, {}, MemoryBudget(max_run_bytes_)};
  for (const auto& [name, value] : feeds) e.feeds.emplace(canonical(name), value);
  std::vector<Tensor> out;
  for (const std::string& fetch : fetches) {
    if (const Tensor* t = e.fed(fetch)) {
      out.push_back(*t);
      continue;
    }
    const TensorRef ref = parse_tensor_name(fetch);
    CAIRN_RETURN_IF_ERROR(check_output(fetch, "the run fetches " + fetch));
    CAIRN_RETURN_IF_ERROR(evaluate(e, ref.node));
    const std::vector<Tensor>& outputs = e.done.at(ref.node);
    if (static_cast<size_t>(ref.index) >= outputs.size()) {
      return invalid_argument_error("cannot fetch " + fetch + ": node '" + ref.node + "' has " +
                                    std::to_string(outputs.size()) + " output(s)");
    }
    out.push_back(outputs[static_cast<size_t>(ref.index)]);
  }
  return out;
}

}  // namespace cairn::serving::internal
