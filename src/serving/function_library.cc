// FunctionLibrary: functions instantiated at load, calls checked against the
// run's call chain before they run.
#include "serving/function_library.h"

#include <algorithm>

#include "cairn/core/strings.h"

namespace cairn::serving::internal {
namespace {

// The chain of calls in progress and the one about to start: "a -> b -> a".
std::string chain(const std::vector<std::string>& calls, const std::string& next) {
  std::vector<std::string> names = calls;
  names.push_back(next);
  return join(names, " -> ");
}

// Pops the run's call chain when a call ends, however it ends.
class CallFrame {
 public:
  CallFrame(RunState& state, const std::string& name) : state_(state) {
    state_.calls.push_back(name);
  }
  ~CallFrame() { state_.calls.pop_back(); }
  CallFrame(const CallFrame&) = delete;
  CallFrame& operator=(const CallFrame&) = delete;

 private:
  RunState& state_;
};

}  // namespace

bool is_call_op(const std::string& op) {
  return op == "StatefulPartitionedCall" || op == "PartitionedCall";
}

Result<std::unique_ptr<FunctionLibrary>> FunctionLibrary::create(
    const tensorflow::FunctionDefLibrary& library, const tensorflow::OpList& ops,
    VariableStore* resources) {
  std::unique_ptr<FunctionLibrary> out(new FunctionLibrary());
  OpDefs op_defs;
  for (const auto& op : ops.op()) op_defs.emplace(op.name(), &op);
  for (const auto& def : library.function()) op_defs[def.signature().name()] = &def.signature();
  for (const auto& def : library.function()) {
    const std::string& name = def.signature().name();
    Function f{name, {}, nullptr, ok_status()};
    if (auto body = instantiate(def, op_defs); body.ok()) {
      f.body = std::move(*body);
    } else {
      f.error = body.status();
    }
    if (!out->functions_.emplace(name, std::move(f)).second) {
      return invalid_argument_error("the graph's library has two functions named '" + name + "'");
    }
  }
  // Runners are made once every function is known: their checks count the
  // outputs of the functions they call.
  for (auto& [name, f] : out->functions_) {
    if (!f.error.ok()) continue;
    GraphScope scope{"function '" + name + "'", out.get(), resources, true};
    auto runner = GraphRunner::create(std::move(f.body.graph), {}, 0, std::move(scope));
    if (runner.ok()) {
      f.runner = std::move(*runner);
    } else {
      f.error = runner.status().with_context("function '" + name + "'");
    }
  }
  return out;
}

Result<const FunctionLibrary::Function*> FunctionLibrary::callee(
    const tensorflow::NodeDef& node) const {
  std::string name = node.op();
  if (is_call_op(node.op())) {
    auto f = node.attr().find("f");
    if (f == node.attr().end() || !f->second.has_func()) {
      return invalid_argument_error("node '" + node.name() + "' (" + node.op() +
                                    ") has no attr 'f' naming the function it calls");
    }
    name = f->second.func().name();
  }
  auto it = functions_.find(name);
  if (it != functions_.end()) return &it->second;
  if (!is_call_op(node.op())) return nullptr;
  return not_found_error("node '" + node.name() + "' (" + node.op() + ") calls function '" + name +
                         "', which the graph's library lacks");
}

Status FunctionLibrary::check_call(const Function& f, const std::vector<const Tensor*>& args,
                                   const RunState& state) const {
  CAIRN_RETURN_IF_ERROR(f.error);
  const std::string& name = f.name;
  if (std::find(state.calls.begin(), state.calls.end(), name) != state.calls.end()) {
    return invalid_argument_error("function '" + name + "' calls itself (" +
                                  chain(state.calls, name) + "); TensorFlow graphs cannot recurse");
  }
  if (state.calls.size() >= static_cast<size_t>(kMaxCallDepth)) {
    return invalid_argument_error("calling function '" + name + "' would nest calls deeper than " +
                                  std::to_string(kMaxCallDepth));
  }
  if (args.size() != f.body.arguments.size()) {
    return invalid_argument_error("function '" + name + "' takes " +
                                  std::to_string(f.body.arguments.size()) + " argument(s), not " +
                                  std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const DType want = f.body.argument_dtypes[i];
    if (want == DType::kInvalid || args[i]->dtype() == want) continue;
    return invalid_argument_error("function '" + name + "' argument " + f.body.arguments[i] +
                                  " must be " + std::string(dtype_name(want)) + ", not " +
                                  std::string(dtype_name(args[i]->dtype())));
  }
  return ok_status();
}

Result<std::vector<Tensor>> FunctionLibrary::call(const Function& f,
                                                  const std::vector<const Tensor*>& args,
                                                  RunState& state) const {
  CAIRN_RETURN_IF_ERROR(check_call(f, args, state));
  std::map<std::string, const Tensor*> feeds;
  for (size_t i = 0; i < args.size(); ++i) feeds.emplace(f.body.arguments[i], args[i]);
  CallFrame frame(state, f.name);
  return f.runner->run(feeds, f.body.outputs, f.body.control_outputs, state);
}

}  // namespace cairn::serving::internal
