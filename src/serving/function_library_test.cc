// Graph functions on hand-built libraries: arguments and returns by the
// `ret` map and output arg names, nested calls (by StatefulPartitionedCall,
// PartitionedCall and by op name), IdentityN, control outputs, resource
// variables, and calls that must fail: recursion, nesting too deep, a
// missing function, an unsupported op named with its function and node.
#include "serving/function_library.h"

#include <gtest/gtest.h>

#include "serving/function_test_util.h"
#include "serving/resource_variables.h"
#include "testing/test_util.h"

namespace cairn::serving::internal {
namespace {

using testing::add_call;
using testing::make_function;

constexpr DType kResource = DType::kResource;

using testing::contains;

// A library, a variable store and the top-level graph that calls into them.
struct Program {
  explicit Program(std::map<std::string, Tensor> variables = {}) : store(std::move(variables)) {}

  tensorflow::FunctionDefLibrary library;
  tensorflow::OpList ops;
  VariableStore store;
  GraphBuilder graph;
  std::unique_ptr<FunctionLibrary> functions;
  std::unique_ptr<GraphRunner> runner;

  Status build() {
    CAIRN_ASSIGN_OR_RETURN(functions, FunctionLibrary::create(library, ops, &store));
    CAIRN_ASSIGN_OR_RETURN(runner, GraphRunner::create(graph.graph(), {}, int64_t{1} << 30,
                                                       {"", functions.get(), &store, false}));
    return ok_status();
  }
  Result<std::vector<Tensor>> run(const std::map<std::string, Tensor>& feeds,
                                  const std::vector<std::string>& fetches) {
    if (runner == nullptr) CAIRN_RETURN_IF_ERROR(build());
    return runner->run(feeds, fetches);
  }
};

tensorflow::AttrValue t_float() { return type_attr(DType::kFloat32); }

// times(x, y) = x * y, returned as "mul:z:0" (Mul's output arg is z).
tensorflow::FunctionDef times() {
  GraphBuilder body;
  body.op("mul", "Mul", {"x", "y:0"}, {{"T", t_float()}});
  return make_function("times", {{"x", DType::kFloat32}, {"y", DType::kFloat32}},
                       {{"z", DType::kFloat32}}, body, {{"z", "mul:z:0"}});
}

TEST(FunctionLibraryTest, ReturnsTheRetTensorsByOutputArgName) {
  Program p;
  *p.library.add_function() = times();
  *p.ops.add_op() = testing::op_def("Mul", {"z"});
  p.graph.placeholder("a", DType::kFloat32, {});
  p.graph.constant("b", Tensor::scalar<float>(3.0f));
  add_call(p.graph, "call", "times", {"a", "b"}, {DType::kFloat32, DType::kFloat32},
           {DType::kFloat32});
  auto out = p.run({{"a", Tensor::scalar<float>(2.0f)}}, {"call:0"});
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ((*out)[0], Tensor::scalar<float>(6.0f));
}

TEST(FunctionLibraryTest, OutputArgsAfterAListArgAreCountedFromTheNodesAttrs) {
  tensorflow::OpDef def = testing::op_def("Split3", {"head", "rest", "last"}, {"rest"});
  tensorflow::NodeDef node;
  (*node.mutable_attr())["T"] = type_list_attr({DType::kFloat32, DType::kFloat32, DType::kFloat32});
  EXPECT_EQ(output_position(def, node, "head", 0), 0);
  EXPECT_EQ(output_position(def, node, "rest", 2), 3);
  EXPECT_EQ(output_position(def, node, "last", 0), 4);
  EXPECT_EQ(output_position(def, node, "nope", 0), -1);
}

// outer(x) = times(x, x) + inner(x) where inner(x) = IdentityN(x, 2x):1,
// inner called by op name and PartitionedCall, times by StatefulPartitionedCall.
TEST(FunctionLibraryTest, NestedCallsByCallOpsAndByOpNameWithIdentityN) {
  Program p;
  *p.library.add_function() = times();
  GraphBuilder inner_body;
  inner_body.op("twice", "AddV2", {"x", "x"}, {{"T", t_float()}});
  inner_body.op("both", "IdentityN", {"x", "twice:z:0"},
                {{"T", type_list_attr({DType::kFloat32, DType::kFloat32})}});
  *p.library.add_function() =
      make_function("inner", {{"x", DType::kFloat32}}, {{"doubled", DType::kFloat32}}, inner_body,
                    {{"doubled", "both:output:1"}});
  GraphBuilder outer_body;
  add_call(outer_body, "square", "times", {"x", "x"}, {DType::kFloat32, DType::kFloat32},
           {DType::kFloat32});
  outer_body.op("direct", "inner", {"x"});
  add_call(outer_body, "partitioned", "inner", {"x"}, {DType::kFloat32}, {DType::kFloat32},
           "PartitionedCall");
  outer_body.op("sum", "AddV2", {"square:output:0", "direct:doubled:0"}, {{"T", t_float()}});
  outer_body.op("sum2", "AddV2", {"sum:z:0", "partitioned:output:0"}, {{"T", t_float()}});
  *p.library.add_function() = make_function(
      "outer", {{"x", DType::kFloat32}}, {{"y", DType::kFloat32}}, outer_body, {{"y", "sum2:z:0"}});
  for (const char* op : {"AddV2", "Mul"}) *p.ops.add_op() = testing::op_def(op, {"z"});
  *p.ops.add_op() = testing::op_def("IdentityN", {"output"}, {"output"});
  *p.ops.add_op() = testing::op_def("StatefulPartitionedCall", {"output"}, {"output"});
  *p.ops.add_op() = testing::op_def("PartitionedCall", {"output"}, {"output"});
  p.graph.placeholder("x", DType::kFloat32, {});
  add_call(p.graph, "call", "outer", {"x"}, {DType::kFloat32}, {DType::kFloat32});
  auto out = p.run({{"x", Tensor::scalar<float>(3.0f)}}, {"call:0"});
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ((*out)[0], Tensor::scalar<float>(9.0f + 6.0f + 6.0f));
}

// bump(v, x): v += x, then returns v read after the assignment (ordered by
// the control input), with the assignment also a control output.
TEST(FunctionLibraryTest, ResourceVariablesAreReadAndAssignedAcrossRuns) {
  Program p({{"counter", Tensor::scalar<float>(3.0f)}});
  GraphBuilder body;
  body.op("add", "AssignAddVariableOp", {"v", "x"}, {{"dtype", t_float()}});
  body.op("read", "ReadVariableOp", {"v", "^add"}, {{"dtype", t_float()}});
  *p.library.add_function() = make_function("bump", {{"x", DType::kFloat32}, {"v", kResource}},
                                            {{"value", DType::kFloat32}}, body,
                                            {{"value", "read:value:0"}}, {{"add", "add"}});
  p.graph.placeholder("x", DType::kFloat32, {});
  p.graph.op("handle", "VarHandleOp", {},
             {{"dtype", t_float()}, {"shared_name", string_attr("counter")}});
  add_call(p.graph, "call", "bump", {"x", "handle"}, {DType::kFloat32, kResource},
           {DType::kFloat32});
  EXPECT_EQ((*p.run({{"x", Tensor::scalar<float>(1.0f)}}, {"call:0"}))[0],
            Tensor::scalar<float>(4.0f));
  EXPECT_EQ((*p.run({{"x", Tensor::scalar<float>(2.0f)}}, {"call:0"}))[0],
            Tensor::scalar<float>(6.0f));
}

TEST(FunctionLibraryTest, ReadingAVariableWithoutAValueIsFailedPrecondition) {
  Program p;
  p.graph.op("handle", "VarHandleOp", {}, {{"dtype", t_float()}});
  p.graph.op("read", "ReadVariableOp", {"handle"}, {{"dtype", t_float()}});
  auto out = p.run({}, {"read:0"});
  ASSERT_EQ(out.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(contains(out.status().message(), "variable 'handle'")) << out.status().message();
}

Status call_error(Program& p, const std::string& callee) {
  p.graph.placeholder("x", DType::kFloat32, {});
  add_call(p.graph, "call", callee, {"x"}, {DType::kFloat32}, {DType::kFloat32});
  auto out = p.run({{"x", Tensor::scalar<float>(1.0f)}}, {"call:0"});
  return out.ok() ? Status() : out.status();
}

// f_i(x) = f_{i+1}(x); f_{n-1} calls `last`.
void add_chain(Program& p, int n, const std::string& last) {
  for (int i = 0; i < n; ++i) {
    GraphBuilder body;
    const std::string next = i + 1 < n ? "f" + std::to_string(i + 1) : last;
    add_call(body, "next", next, {"x"}, {DType::kFloat32}, {DType::kFloat32});
    *p.library.add_function() =
        make_function("f" + std::to_string(i), {{"x", DType::kFloat32}}, {{"y", DType::kFloat32}},
                      body, {{"y", "next:output:0"}});
  }
}

TEST(FunctionLibraryTest, AFunctionCallingItselfIsAnErrorNotARecursion) {
  Program p;
  add_chain(p, 3, "f1");  // f0 -> f1 -> f2 -> f1
  const Status s = call_error(p, "f0");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(s.message(), "function 'f1' calls itself (f0 -> f1 -> f2 -> f1)"))
      << s.message();
}

TEST(FunctionLibraryTest, CallsNestedDeeperThanTheLimitFail) {
  Program p;
  add_chain(p, 5000, "times");
  *p.library.add_function() = times();
  const Status s = call_error(p, "f0");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(s.message(), "deeper than " + std::to_string(kMaxCallDepth)))
      << s.message().substr(0, 300);
}

TEST(FunctionLibraryTest, UnsupportedOpNamesTheOpTheFunctionAndTheNode) {
  Program p;
  GraphBuilder body;
  body.op("odd", "NoSuchOp", {"x"});
  *p.library.add_function() = make_function(
      "leaf", {{"x", DType::kFloat32}}, {{"y", DType::kFloat32}}, body, {{"y", "odd:output:0"}});
  add_chain(p, 1, "leaf");
  const Status s = call_error(p, "f0");
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_TRUE(contains(s.message(), "function 'leaf': node 'odd' has op NoSuchOp")) << s.message();
  EXPECT_TRUE(contains(s.message(), "function 'f0'")) << s.message();
}

TEST(FunctionLibraryTest, CallOfAMissingFunctionIsNotFound) {
  Program p;
  const Status s = call_error(p, "nowhere");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_TRUE(contains(s.message(), "calls function 'nowhere'")) << s.message();
}

TEST(FunctionLibraryTest, ArgumentOfTheWrongDtypeIsRefusedNamingIt) {
  Program p;
  *p.library.add_function() = times();
  p.graph.constant("i", Tensor::scalar<int64_t>(2));
  add_call(p.graph, "call", "times", {"i", "i"}, {DType::kInt64, DType::kInt64}, {DType::kFloat32});
  auto out = p.run({}, {"call:0"});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(out.status().message(), "function 'times' argument x must be float32"))
      << out.status().message();
}

// As TensorFlow instantiates a function when it is called, a malformed one
// fails its calls, not the load: the library's other functions still run.
TEST(FunctionLibraryTest, MalformedBodiesFailWhenCalledNamingTheFunction) {
  GraphBuilder body;
  body.op("mul", "Mul", {"x", "ghost:z:0"}, {{"T", t_float()}});
  Program p;
  *p.library.add_function() = make_function("bad", {{"x", DType::kFloat32}},
                                            {{"z", DType::kFloat32}}, body, {{"z", "mul:z:0"}});
  *p.library.add_function() = times();
  p.graph.constant("two", Tensor::scalar<float>(2.0f));
  add_call(p.graph, "square", "times", {"two", "two"}, {DType::kFloat32, DType::kFloat32},
           {DType::kFloat32});
  EXPECT_EQ((*p.run({}, {"square:0"}))[0], Tensor::scalar<float>(4.0f));
  p.runner = nullptr;
  const Status s = call_error(p, "bad");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(s.message(), "function 'bad' node 'mul' reads 'ghost:z:0'")) << s.message();
}

}  // namespace
}  // namespace cairn::serving::internal
