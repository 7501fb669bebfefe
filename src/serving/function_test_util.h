// Test-only: graph functions built by hand the way tf.function writes them
// (FunctionDef inputs in the "node:output_arg:index" form), and the nodes
// that call them.
//
//   GraphBuilder body;
//   body.op("mul", "Mul", {"x", "y"}, {{"T", type_attr(kFloat)}});
//   tensorflow::FunctionDef times = make_function("times", {{"x", kFloat}, {"y", kFloat}},
//                                                 {{"z", kFloat}}, body, {{"z", "mul:z:0"}});
//   add_call(graph, "call", "times", {"a", "b"}, {kFloat, kFloat}, {kFloat});
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cairn/formats/graph/graph_builder.h"
#include "cairn/proto/function.pb.h"
#include "cairn/proto/op_def.pb.h"

namespace cairn::testing {

struct FunctionArg {
  std::string name;
  DType dtype;
};

// A FunctionDef `name`: its signature's input and output args, the body's
// nodes, `ret` (output arg -> body tensor) and `control_ret` (control output
// -> node).
inline tensorflow::FunctionDef make_function(
    const std::string& name, const std::vector<FunctionArg>& args,
    const std::vector<FunctionArg>& outputs, const GraphBuilder& body,
    const std::map<std::string, std::string>& ret,
    const std::map<std::string, std::string>& control_ret = {}) {
  tensorflow::FunctionDef f;
  f.mutable_signature()->set_name(name);
  for (const auto& a : args) {
    auto* arg = f.mutable_signature()->add_input_arg();
    arg->set_name(a.name);
    arg->set_type(to_proto_dtype(a.dtype));
  }
  for (const auto& o : outputs) {
    auto* arg = f.mutable_signature()->add_output_arg();
    arg->set_name(o.name);
    arg->set_type(to_proto_dtype(o.dtype));
  }
  for (const auto& node : body.graph().node()) *f.add_node_def() = node;
  for (const auto& [k, v] : ret) (*f.mutable_ret())[k] = v;
  for (const auto& [k, v] : control_ret) {
    f.mutable_signature()->add_control_output(k);
    (*f.mutable_control_ret())[k] = v;
  }
  return f;
}

// A StatefulPartitionedCall (or `op`) {f, Tin, Tout} of the function `callee`.
inline tensorflow::NodeDef& add_call(GraphBuilder& b, const std::string& name,
                                     const std::string& callee, std::vector<std::string> inputs,
                                     const std::vector<DType>& tin, const std::vector<DType>& tout,
                                     const std::string& op = "StatefulPartitionedCall") {
  tensorflow::AttrValue f;
  f.mutable_func()->set_name(callee);
  return b.op(name, op, std::move(inputs),
              {{"f", f}, {"Tin", type_list_attr(tin)}, {"Tout", type_list_attr(tout)}});
}

// An OpDef `name` whose output args are `outputs` (each one tensor of type
// attr "T", or a list when its name is in `lists`: type_list_attr "T").
inline tensorflow::OpDef op_def(const std::string& name, const std::vector<std::string>& outputs,
                                const std::vector<std::string>& lists = {}) {
  tensorflow::OpDef def;
  def.set_name(name);
  for (const auto& o : outputs) {
    auto* arg = def.add_output_arg();
    arg->set_name(o);
    bool list = false;
    for (const auto& l : lists) list = list || l == o;
    if (list) {
      arg->set_type_list_attr("T");
    } else {
      arg->set_type_attr("T");
    }
  }
  return def;
}

}  // namespace cairn::testing
