// GraphRunner: a depth-first walk from the fetched nodes through their data
// inputs, with an explicit stack (deep graphs cannot overflow the C++ stack)
// and memoized outputs. A node is "in progress" from when its inputs are
// pushed until it is computed; meeting an in-progress node again is a cycle.
#include "serving/graph_runner.h"

#include <algorithm>
#include <cctype>
#include <new>
#include <unordered_set>

#include "serving/function_library.h"
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
  if (op == "ParseExample" || op == "ParseExampleV2") {
    return " (signatures that take serialized tf.Example protos are not supported; use one that "
           "takes tensors)";
  }
  return "";
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

// A copy of `t` whose bytes come from `budget`.
Result<Tensor> copy_in(const Tensor& t, MemoryBudget& budget) {
  CAIRN_RETURN_IF_ERROR(budget.take(t.dtype(), t.shape()).status());
  return t;
}

}  // namespace

struct GraphRunner::Evaluation {
  const std::map<std::string, const Tensor*>& feeds;  // by canonical tensor name
  RunState& state;
  std::unordered_map<std::string, std::vector<Tensor>> done;

  const Tensor* fed(const std::string& input) const {
    auto it = feeds.find(canonical(input));
    return it == feeds.end() ? nullptr : it->second;
  }
};

GraphRunner::GraphRunner(tensorflow::GraphDef graph, std::map<std::string, Tensor> variables,
                         int64_t max_run_bytes, GraphScope scope)
    : graph_(std::move(graph)),
      variables_(std::move(variables)),
      max_run_bytes_(max_run_bytes),
      scope_(std::move(scope)) {}

Result<std::unique_ptr<GraphRunner>> GraphRunner::create(tensorflow::GraphDef graph,
                                                         std::map<std::string, Tensor> variables,
                                                         int64_t max_run_bytes, GraphScope scope) {
  std::unique_ptr<GraphRunner> runner(
      new GraphRunner(std::move(graph), std::move(variables), max_run_bytes, std::move(scope)));
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

int GraphRunner::outputs_of(const tensorflow::NodeDef& node) const {
  if (scope_.library != nullptr) {
    auto callee = scope_.library->callee(node);
    if (!callee.ok()) return -1;
    if (*callee != nullptr) {
      return (*callee)->error.ok() ? static_cast<int>((*callee)->body.outputs.size()) : -1;
    }
  }
  if (node.op() == "IdentityN") {
    return static_cast<int>(std::count_if(node.input().begin(), node.input().end(),
                                          [](const std::string& in) { return !is_control(in); }));
  }
  return find_kernel(node.op()) == nullptr ? -1 : num_outputs(node);
}

Status GraphRunner::check_output(const std::string& tensor, const std::string& use) const {
  const TensorRef ref = parse_tensor_name(tensor);
  auto source = nodes_.find(ref.node);
  if (source == nodes_.end()) return ok_status();
  const int outputs = outputs_of(*source->second);
  if (outputs < 0 || ref.index < outputs) return ok_status();
  return invalid_argument_error(use + ", but node '" + ref.node + "' (" + source->second->op() +
                                ") has " + std::to_string(outputs) + " output(s)");
}

Status GraphRunner::check_runnable(const tensorflow::NodeDef& node) const {
  if (find_kernel(node.op()) != nullptr) return ok_status();
  if (scope_.library != nullptr) {
    CAIRN_ASSIGN_OR_RETURN(const FunctionLibrary::Function* callee, scope_.library->callee(node));
    if (callee != nullptr) return ok_status();
  }
  return unimplemented_error("node '" + node.name() + "' has op " + node.op() +
                             ", which cairn's graph interpreter does not support" +
                             unsupported_hint(node.op()));
}

Status GraphRunner::compute(Evaluation& e, const tensorflow::NodeDef& node) const {
  std::vector<const Tensor*> inputs;
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
    inputs.push_back(t);
  }
  Result<std::vector<Tensor>> outputs = std::vector<Tensor>{};
  if (Kernel kernel = find_kernel(node.op())) {
    outputs =
        run_kernel(kernel, {node, std::move(inputs), variables_, e.state.budget, scope_.resources});
  } else {
    CAIRN_ASSIGN_OR_RETURN(const FunctionLibrary::Function* callee, scope_.library->callee(node));
    outputs = scope_.library->call(*callee, inputs, e.state);
    if (!outputs.ok()) {
      return outputs.status().with_context("node '" + node.name() + "' (" + node.op() + ")");
    }
  }
  if (!outputs.ok()) return outputs.status();
  e.done[node.name()] = std::move(*outputs);
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
      CAIRN_RETURN_IF_ERROR(check_runnable(node));
      stack.back().expanded = true;
      in_progress.insert(node.name());
      for (const std::string& input : node.input()) {
        if (is_control(input)) {
          const std::string source = input.substr(1);
          if (scope_.run_control_inputs && e.fed(source) == nullptr) {  // an argument is fed
            CAIRN_RETURN_IF_ERROR(push(source, node.name()));
          }
          continue;
        }
        if (e.fed(input) != nullptr) continue;
        CAIRN_RETURN_IF_ERROR(push(parse_tensor_name(input).node, node.name()));
      }
    }
  }
  return ok_status();
}

// Evaluates every fetch and target first, then moves each fetched tensor out
// (a copy, in the budget, when it is fetched twice or was fed).
Result<std::vector<Tensor>> GraphRunner::fetch(Evaluation& e,
                                               const std::vector<std::string>& fetches,
                                               const std::vector<std::string>& targets) const {
  for (const std::string& name : fetches) {
    if (e.fed(name) != nullptr) continue;
    CAIRN_RETURN_IF_ERROR(check_output(name, "the run fetches " + name));
    CAIRN_RETURN_IF_ERROR(evaluate(e, parse_tensor_name(name).node));
  }
  for (const std::string& node : targets) CAIRN_RETURN_IF_ERROR(evaluate(e, node));
  std::vector<Tensor> out;
  std::unordered_map<std::string, size_t> first;  // canonical name -> index in out
  for (const std::string& name : fetches) {
    const std::string key = canonical(name);
    if (auto it = first.find(key); it != first.end()) {
      CAIRN_ASSIGN_OR_RETURN(Tensor copy, copy_in(out[it->second], e.state.budget));
      out.push_back(std::move(copy));
      continue;
    }
    first.emplace(key, out.size());
    if (const Tensor* t = e.fed(name)) {
      CAIRN_ASSIGN_OR_RETURN(Tensor copy, copy_in(*t, e.state.budget));
      out.push_back(std::move(copy));
      continue;
    }
    const TensorRef ref = parse_tensor_name(name);
    std::vector<Tensor>& outputs = e.done.at(ref.node);
    if (static_cast<size_t>(ref.index) >= outputs.size()) {
      return invalid_argument_error("cannot fetch " + name + ": node '" + ref.node + "' has " +
                                    std::to_string(outputs.size()) + " output(s)");
    }
    out.push_back(std::move(outputs[static_cast<size_t>(ref.index)]));
  }
  return out;
}

Result<std::vector<Tensor>> GraphRunner::run(const std::map<std::string, const Tensor*>& feeds,
                                             const std::vector<std::string>& fetches,
                                             const std::vector<std::string>& targets,
                                             RunState& state) const {
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, value] : feeds) by_name.emplace(canonical(name), value);
  Evaluation e{by_name, state, {}};
  auto out = fetch(e, fetches, targets);
  if (!out.ok() && !scope_.name.empty()) return out.status().with_context(scope_.name);
  return out;
}

Result<std::vector<Tensor>> GraphRunner::run(const std::map<std::string, Tensor>& feeds,
                                             const std::vector<std::string>& fetches) const {
  std::map<std::string, const Tensor*> borrowed;
  for (const auto& [name, value] : feeds) borrowed.emplace(name, &value);
  RunState state(max_run_bytes_);
  return run(borrowed, fetches, {}, state);
}

}  // namespace cairn::serving::internal
