// Internal to serving: a FunctionDef of a graph's library (a tf.function)
// as a graph the GraphRunner evaluates: one fed node per argument, the body's
// nodes with their inputs renamed from FunctionDef's form to GraphDef's, and
// the tensors the function returns.
//
//   FunctionDef form          GraphDef form
//   "x", "x:0"  (argument)    "x:0"
//   "mul:z:0"                 "mul:0"   (z is Mul's first output arg)
//   "call:output:1"           "call:1"
//   "^assign"                 "^assign"
//
// An output arg's position among a node's outputs comes from the op's OpDef
// (the MetaGraph's stripped_op_list, or the called function's signature);
// an op without one is taken to have a single output arg.
//
//   CAIRN_ASSIGN_OR_RETURN(FunctionBody body, instantiate(def, op_defs));
//   runner->run(/* body.arguments[i] fed with argument i */, body.outputs, ...);
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/proto/function.pb.h"
#include "cairn/proto/graph.pb.h"
#include "cairn/proto/op_def.pb.h"

namespace cairn::serving::internal {

// OpDefs by op name (the library's function signatures too).
using OpDefs = std::unordered_map<std::string, const tensorflow::OpDef*>;

struct FunctionBody {
  tensorflow::GraphDef graph;  // argument nodes (op "_Arg") and the body; moved to its runner
  std::vector<std::string> arguments;        // the input args, fed as their nodes' output 0
  std::vector<DType> argument_dtypes;        // kInvalid when the arg's dtype is an attr
  std::vector<std::string> outputs;          // the tensor of each output arg, in order
  std::vector<std::string> control_outputs;  // nodes run for their effects
};

// The runnable form of `def`. INVALID_ARGUMENT naming the function and node
// when an input names neither an argument nor a node of the body, an output
// arg has no `ret` entry, a control output no node, an argument shares a
// node's name, or an argument is a list (number_attr / type_list_attr).
Result<FunctionBody> instantiate(const tensorflow::FunctionDef& def, const OpDefs& ops);

// Output `index` of `def`'s output arg `arg` among all outputs of `node`
// (the sizes of list args come from the node's attrs); -1 when `def` has no
// such arg.
int output_position(const tensorflow::OpDef& def, const tensorflow::NodeDef& node,
                    const std::string& arg, int index);

}  // namespace cairn::serving::internal
