// Internal to serving: the functions of a graph's library (FunctionDefLibrary,
// what tf.function traced), each instantiated once at load with a
// GraphRunner of its own, and the calls into them: StatefulPartitionedCall
// and PartitionedCall name theirs in attr `f`; a node whose op is a
// function's name calls it directly.
//
//   CAIRN_ASSIGN_OR_RETURN(auto library, FunctionLibrary::create(graph.library(), ops, &store));
//   CAIRN_ASSIGN_OR_RETURN(const FunctionLibrary::Function* f, library->callee(node));
//   CAIRN_ASSIGN_OR_RETURN(std::vector<Tensor> out, library->call(*f, args, state));
//
// A call runs in its caller's RunState: its tensors come from the same
// memory budget, and it fails (never recurses) when the function is already
// being run by an outer call, or when calls nest deeper than kMaxCallDepth:
// a crafted SavedModel cannot exhaust the stack.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/proto/function.pb.h"
#include "cairn/proto/op_def.pb.h"
#include "serving/function_body.h"
#include "serving/graph_runner.h"

namespace cairn::serving::internal {

// Most function calls a run may have in progress at once (a Keras model's
// signature nests 4 to 8).
inline constexpr int kMaxCallDepth = 64;

// True for StatefulPartitionedCall and PartitionedCall, which name the
// function they call in attr `f`.
bool is_call_op(const std::string& op);

class FunctionLibrary {
 public:
  struct Function {
    std::string name;
    FunctionBody body;
    std::unique_ptr<GraphRunner> runner;
    // Why it cannot run (a malformed body, a list argument), reported when
    // it is called, as TensorFlow instantiates a function when it is first
    // called: other signatures of the SavedModel still run.
    Status error;
  };

  // Instantiates every function of `library`; `ops` are the OpDefs of the
  // ops their bodies use (a MetaGraph's stripped_op_list), `resources` the
  // variables their kernels read. INVALID_ARGUMENT when two functions share
  // a name.
  static Result<std::unique_ptr<FunctionLibrary>> create(
      const tensorflow::FunctionDefLibrary& library, const tensorflow::OpList& ops,
      VariableStore* resources);

  // The function `node` calls, or nullptr when it calls none. NOT_FOUND
  // naming the node when its attr `f` names no function of the library.
  Result<const Function*> callee(const tensorflow::NodeDef& node) const;

  // Runs `f` with `args` (its input args, in order; the tensors of resource
  // args are handles) and returns its outputs, after running its control
  // outputs. INVALID_ARGUMENT naming the function for a wrong number or
  // dtype of arguments, a function that calls itself, or calls nested
  // deeper than kMaxCallDepth; Function::error when it cannot run.
  Result<std::vector<Tensor>> call(const Function& f, const std::vector<const Tensor*>& args,
                                   RunState& state) const;

  size_t size() const { return functions_.size(); }

 private:
  FunctionLibrary() = default;
  Status check_call(const Function& f, const std::vector<const Tensor*>& args,
                    const RunState& state) const;

  std::map<std::string, Function> functions_;
};

}  // namespace cairn::serving::internal
