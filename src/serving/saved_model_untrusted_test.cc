// Crafted SavedModels (a few hundred bytes of saved_model.pb built with the
// proto classes): each asks for more memory or work than it holds, or breaks
// a rule of TensorFlow's graphs, and must fail with a typed error naming the
// node, never allocate a wrapped size, loop for ever or crash.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/serving/saved_model_runner.h"
#include "serving/function_test_util.h"
#include "serving/saved_model_test_util.h"
#include "testing/test_util.h"

namespace cairn::serving {
namespace {

using testing::add_call;
using testing::make_function;
using testing::tensor_info;
using testing::write_graph_saved_model;

constexpr int64_t k2to31 = int64_t{1} << 31;

class SavedModelUntrustedTest : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_.path() + "/export"; }

  // The message of the error E that loading and running serving_default
  // with `inputs` throws.
  template <typename E>
  std::string run_error(const std::map<std::string, Tensor>& inputs = {},
                        const LoadOptions& options = {}) {
    try {
      SavedModel::load(default_file_system(), dir(), options).run("serving_default", inputs);
    } catch (const E& e) {
      return e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "threw another type: " << e.what();
      return "";
    }
    ADD_FAILURE() << "the run succeeded";
    return "";
  }

  testing::TempDir tmp_;
};

using testing::contains;

// Finding 1: 2^62 output elements whose byte size wrapped to 0, then Eigen
// wrote into the empty buffer (heap-buffer-overflow).
TEST_F(SavedModelUntrustedTest, MatMulWhoseOutputByteSizeWrapsIsResourceExhausted) {
  GraphBuilder b;
  b.constant("a", Tensor(DType::kFloat32, {k2to31, 0}));
  b.constant("b", Tensor(DType::kFloat32, {0, k2to31}));
  b.matmul("mm", "a", "b", DType::kFloat32);
  const size_t bytes =
      write_graph_saved_model(dir(), b.graph(), {}, {{"y", tensor_info("mm:0", DType::kFloat32)}});
  EXPECT_LT(bytes, 400u);
  const std::string message = run_error<ResourceExhaustedError>();
  EXPECT_TRUE(contains(message, "node 'mm' (MatMul)")) << message;
  EXPECT_TRUE(contains(message, "[2147483648, 2147483648]")) << message;
}

// Finding 12: one float_val stands for 2^28 copies (60 bytes -> 1 GiB).
TEST_F(SavedModelUntrustedTest, ConstFilledFromOneValueIsHeldToTheRunLimit) {
  GraphBuilder b;
  b.constant("fill", filled_tensor_proto(DType::kFloat32, {1 << 28}, 1.0));
  write_graph_saved_model(dir(), b.graph(), {}, {{"y", tensor_info("fill:0", DType::kFloat32)}});
  const std::string message =
      run_error<ResourceExhaustedError>({}, {.max_run_bytes = int64_t{64} << 20});
  EXPECT_TRUE(contains(message, "node 'fill' (Const)")) << message;
  EXPECT_TRUE(contains(message, "max_run_bytes")) << message;
}

TEST_F(SavedModelUntrustedTest, ConstOverTheDefaultRunLimitIsRefusedWithoutAllocating) {
  GraphBuilder b;
  b.constant("fill", filled_tensor_proto(DType::kFloat32, {int64_t{1} << 31}, 1.0));  // 8 GiB
  write_graph_saved_model(dir(), b.graph(), {}, {{"y", tensor_info("fill:0", DType::kFloat32)}});
  EXPECT_TRUE(contains(run_error<ResourceExhaustedError>(), "node 'fill' (Const)"));
}

// Finding 3: broadcasting [2^20, 1] with [1, 2^20] asked for 4 TiB
// (std::bad_alloc escaped the CLI).
TEST_F(SavedModelUntrustedTest, BroadcastToTerabytesIsResourceExhaustedNamingTheNode) {
  GraphBuilder b;
  b.constant("col", filled_tensor_proto(DType::kFloat32, {1 << 20, 1}, 1.0));
  b.constant("row", filled_tensor_proto(DType::kFloat32, {1, 1 << 20}, 1.0));
  b.op("sum", "AddV2", {"col", "row"}, {{"T", type_attr(DType::kFloat32)}});
  write_graph_saved_model(dir(), b.graph(), {}, {{"y", tensor_info("sum:0", DType::kFloat32)}});
  EXPECT_TRUE(contains(run_error<ResourceExhaustedError>(), "node 'sum' (AddV2)"));
}

// Finding 22.
TEST_F(SavedModelUntrustedTest, DuplicateNodeNamesAreRefusedAtLoadNamingTheNode) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1});
  b.op("y", "Neg", {"x"}, {{"T", type_attr(DType::kFloat32)}});
  tensorflow::GraphDef graph = b.graph();
  graph.mutable_node(1)->set_name("x");
  write_graph_saved_model(dir(), graph, {{"x", tensor_info("x:0", DType::kFloat32)}},
                          {{"y", tensor_info("x:0", DType::kFloat32)}});
  try {
    SavedModel::load(dir());
    ADD_FAILURE() << "loaded";
  } catch (const InvalidArgumentError& e) {
    EXPECT_TRUE(contains(e.what(), "two nodes named 'x'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "saved_model.pb")) << e.what();
  }
}

// Finding 22: Identity(x:5) of a one-output placeholder said "x was not fed".
TEST_F(SavedModelUntrustedTest, InputReadingAnOutputItsNodeLacksIsRefusedNamingTheOutput) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1});
  b.identity("y", "x:5", DType::kFloat32);
  write_graph_saved_model(dir(), b.graph(), {{"x", tensor_info("x:0", DType::kFloat32)}},
                          {{"y", tensor_info("y:0", DType::kFloat32)}});
  try {
    SavedModel::load(dir());
    ADD_FAILURE() << "loaded";
  } catch (const InvalidArgumentError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(contains(message, "node 'y' reads x:5")) << message;
    EXPECT_TRUE(contains(message, "node 'x' (Placeholder) has 1 output")) << message;
    EXPECT_FALSE(contains(message, "not fed")) << message;
  }
}

// Finding 23: a TensorInfo without tensor_shape means "any shape" to
// TensorFlow; cairn read it as a scalar and refused [3, 1].
TEST_F(SavedModelUntrustedTest, SignatureInputWithoutAShapeAcceptsAnyShape) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1, 1});
  b.op("y", "Neg", {"x"}, {{"T", type_attr(DType::kFloat32)}});
  write_graph_saved_model(dir(), b.graph(), {{"x", tensor_info("x:0", DType::kFloat32)}},
                          {{"y", tensor_info("y:0", DType::kFloat32)}});
  SavedModel model = SavedModel::load(dir());
  EXPECT_TRUE(model.signature("serving_default").inputs.at("x").unknown_rank);
  auto out = model.run("serving_default", {{"x", Tensor::from_vector<float>({1, 2, 3}, {3, 1})}});
  EXPECT_EQ(out.at("y"), Tensor::from_vector<float>({-1, -2, -3}, {3, 1}));
  out = model.run("serving_default", {{"x", Tensor::scalar<float>(4)}});
  EXPECT_EQ(out.at("y"), Tensor::scalar<float>(-4));
}

TEST_F(SavedModelUntrustedTest, UnknownDimensionsAcceptAnySizeButTheRankIsChecked) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1, 1});
  b.op("y", "Neg", {"x"}, {{"T", type_attr(DType::kFloat32)}});
  write_graph_saved_model(dir(), b.graph(), {{"x", tensor_info("x:0", DType::kFloat32, {{-1, 1}})}},
                          {{"y", tensor_info("y:0", DType::kFloat32)}});
  SavedModel model = SavedModel::load(dir());
  EXPECT_EQ(model.run("serving_default", {{"x", Tensor(DType::kFloat32, {5, 1})}}).at("y"),
            Tensor(DType::kFloat32, {5, 1}));
  for (const TensorShape& wrong : {TensorShape{3, 2}, TensorShape{3}, TensorShape{3, 1, 1}}) {
    EXPECT_THROW(model.run("serving_default", {{"x", Tensor(DType::kFloat32, wrong)}}),
                 InvalidArgumentError)
        << wrong.to_string();
  }
}

TEST_F(SavedModelUntrustedTest, SignatureTensorOfRankOverTheLimitIsDataLossNamingIt) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1});
  write_graph_saved_model(
      dir(), b.graph(),
      {{"x", tensor_info("x:0", DType::kFloat32, std::vector<int64_t>(100000, 1))}},
      {{"y", tensor_info("x:0", DType::kFloat32)}});
  try {
    SavedModel::load(dir());
    ADD_FAILURE() << "loaded";
  } catch (const DataLossError& e) {
    EXPECT_TRUE(contains(e.what(), "input 'x'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "100000 dimensions")) << e.what();
  }
}

// TensorFlow 2 function libraries: a call graph is the SavedModel's to
// choose, so a cycle or a deep chain of calls must fail, not recurse.

// A library of functions f0..f{n-1}, each calling the next; the last calls `last`.
tensorflow::FunctionDefLibrary call_chain(int n, const std::string& last) {
  tensorflow::FunctionDefLibrary library;
  for (int i = 0; i < n; ++i) {
    GraphBuilder body;
    add_call(body, "next", i + 1 < n ? "f" + std::to_string(i + 1) : last, {"x"}, {DType::kFloat32},
             {DType::kFloat32});
    *library.add_function() =
        make_function("f" + std::to_string(i), {{"x", DType::kFloat32}}, {{"y", DType::kFloat32}},
                      body, {{"y", "next:output:0"}});
  }
  return library;
}

// Writes a SavedModel whose serving_default returns f0(x).
void write_call_model(const std::string& dir, tensorflow::FunctionDefLibrary library) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {});
  add_call(b, "call", "f0", {"x"}, {DType::kFloat32}, {DType::kFloat32});
  tensorflow::GraphDef graph = b.graph();
  *graph.mutable_library() = std::move(library);
  write_graph_saved_model(dir, graph, {{"x", tensor_info("x:0", DType::kFloat32)}},
                          {{"y", tensor_info("call:0", DType::kFloat32)}});
}

TEST_F(SavedModelUntrustedTest, FunctionsCallingEachOtherInACycleFailNamingTheCycle) {
  write_call_model(dir(), call_chain(2, "f0"));  // f0 -> f1 -> f0
  const std::string message = run_error<InvalidArgumentError>({{"x", Tensor::scalar<float>(1.0f)}});
  EXPECT_TRUE(contains(message, "function 'f0' calls itself (f0 -> f1 -> f0)")) << message;
}

TEST_F(SavedModelUntrustedTest, AThousandNestedCallsFailInsteadOfOverflowingTheStack) {
  tensorflow::FunctionDefLibrary library = call_chain(1000, "leaf");
  GraphBuilder leaf;
  leaf.op("y", "Neg", {"x"}, {{"T", type_attr(DType::kFloat32)}});
  *library.add_function() = make_function("leaf", {{"x", DType::kFloat32}},
                                          {{"y", DType::kFloat32}}, leaf, {{"y", "y:y:0"}});
  write_call_model(dir(), std::move(library));
  const std::string message = run_error<InvalidArgumentError>({{"x", Tensor::scalar<float>(1.0f)}});
  EXPECT_TRUE(contains(message, "nest calls deeper than 64")) << message.substr(0, 200);
}

TEST_F(SavedModelUntrustedTest, TensorsOfCalledFunctionsCountAgainstTheRunLimit) {
  tensorflow::FunctionDefLibrary library = call_chain(1, "big");
  GraphBuilder big;
  big.constant("fill", filled_tensor_proto(DType::kFloat32, {1 << 26}, 1.0));  // 256 MiB
  big.op("sum", "AddV2", {"x", "fill:output:0"}, {{"T", type_attr(DType::kFloat32)}});
  *library.add_function() = make_function("big", {{"x", DType::kFloat32}}, {{"y", DType::kFloat32}},
                                          big, {{"y", "sum:z:0"}});
  write_call_model(dir(), std::move(library));
  const std::string message = run_error<ResourceExhaustedError>(
      {{"x", Tensor::scalar<float>(1.0f)}}, {.max_run_bytes = int64_t{64} << 20});
  EXPECT_TRUE(contains(message, "function 'big': node 'fill' (Const)")) << message;
}

TEST_F(SavedModelUntrustedTest, UnsupportedOpInANestedFunctionNamesOpFunctionAndNode) {
  tensorflow::FunctionDefLibrary library = call_chain(2, "odd");
  GraphBuilder odd;
  odd.op("strange", "Frobnicate", {"x"});
  *library.add_function() = make_function("odd", {{"x", DType::kFloat32}}, {{"y", DType::kFloat32}},
                                          odd, {{"y", "strange:y:0"}});
  write_call_model(dir(), std::move(library));
  const std::string message = run_error<UnimplementedError>({{"x", Tensor::scalar<float>(1.0f)}});
  EXPECT_TRUE(contains(message, "function 'odd': node 'strange' has op Frobnicate")) << message;
  EXPECT_TRUE(contains(message, "function 'f1'")) << message;
}

// serving_default returns f(x, v) = x * v, v a VarHandleOp passed as the
// concrete function's bound input `bound` (an object graph node id).
void write_variable_model(const std::string& dir, int bound) {
  GraphBuilder body;
  body.op("read", "ReadVariableOp", {"v"}, {{"dtype", type_attr(DType::kFloat32)}});
  body.op("mul", "Mul", {"x", "read:value:0"}, {{"T", type_attr(DType::kFloat32)}});
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {});
  b.op("v", "VarHandleOp", {}, {{"dtype", type_attr(DType::kFloat32)}});
  add_call(b, "call", "f", {"x", "v"}, {DType::kFloat32, DType::kResource}, {DType::kFloat32});
  tensorflow::GraphDef graph = b.graph();
  *graph.mutable_library()->add_function() =
      make_function("f", {{"x", DType::kFloat32}, {"v", DType::kResource}},
                    {{"y", DType::kFloat32}}, body, {{"y", "mul:z:0"}});
  tensorflow::SavedObjectGraph objects;
  objects.add_nodes()->mutable_user_object();
  objects.add_nodes()->mutable_variable()->set_dtype(tensorflow::DT_FLOAT);
  (*objects.mutable_concrete_functions())["f"].add_bound_inputs(bound);
  write_graph_saved_model(dir, graph, {{"x", tensor_info("x:0", DType::kFloat32)}},
                          {{"y", tensor_info("call:0", DType::kFloat32)}}, objects);
}

TEST_F(SavedModelUntrustedTest, BoundVariableWithoutAVariablesBundleIsNotFoundAtLoad) {
  write_variable_model(dir(), 1);
  try {
    SavedModel::load(dir());
    ADD_FAILURE() << "loaded";
  } catch (const NotFoundError& e) {
    EXPECT_TRUE(contains(e.what(), "variables.index")) << e.what();
    EXPECT_TRUE(contains(e.what(), "1 variable(s) in its object graph")) << e.what();
  }
}

TEST_F(SavedModelUntrustedTest, BoundInputOutsideTheObjectGraphLeavesTheVariableUnread) {
  for (int bound : {-1, 0, 2, 1 << 30}) {  // negative, a user object, past the end
    write_variable_model(dir(), bound);
    const std::string message =
        run_error<FailedPreconditionError>({{"x", Tensor::scalar<float>(1.0f)}});
    EXPECT_TRUE(contains(message, "node 'read' (ReadVariableOp): variable 'v' holds no value"))
        << bound << ": " << message;
  }
}

TEST_F(SavedModelUntrustedTest, CallOfAFunctionTheLibraryLacksIsNotFound) {
  write_call_model(dir(), call_chain(1, "missing"));
  const std::string message = run_error<NotFoundError>({{"x", Tensor::scalar<float>(1.0f)}});
  EXPECT_TRUE(contains(message, "calls function 'missing'")) << message;
}

}  // namespace
}  // namespace cairn::serving
