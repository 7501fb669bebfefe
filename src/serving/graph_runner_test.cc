// The graph interpreter on hand-built graphs: broadcasting, the array ops,
// feeding any tensor, and bad graphs (cycles, missing nodes, unsupported
// ops, unfed placeholders) reported with the node's name.
#include "serving/graph_runner.h"

#include <gtest/gtest.h>

#include "cairn/formats/graph/graph_builder.h"
#include "testing/test_util.h"

namespace cairn::serving::internal {
namespace {

Tensor floats(const std::vector<float>& v, TensorShape shape) {
  return Tensor::from_vector(v, std::move(shape));
}

constexpr int64_t kRunBytes = int64_t{1} << 30;

std::unique_ptr<GraphRunner> runner_of(const tensorflow::GraphDef& graph,
                                       int64_t max_run_bytes = kRunBytes) {
  auto runner = GraphRunner::create(graph, {}, max_run_bytes);
  EXPECT_TRUE(runner.ok()) << runner.status().to_string();
  return runner.ok() ? std::move(*runner) : nullptr;
}

Tensor run_graph(const GraphBuilder& b, const std::map<std::string, Tensor>& feeds,
                 const std::string& fetch) {
  auto out = runner_of(b.graph())->run(feeds, {fetch});
  EXPECT_TRUE(out.ok()) << out.status().to_string();
  return out.ok() ? (*out)[0] : Tensor();
}

Status run_graph_error(const GraphBuilder& b, const std::map<std::string, Tensor>& feeds,
                       const std::string& fetch, int64_t max_run_bytes = kRunBytes) {
  auto out = runner_of(b.graph(), max_run_bytes)->run(feeds, {fetch});
  return out.ok() ? Status() : out.status();
}

TEST(GraphRunnerTest, ParsesTensorNames) {
  EXPECT_EQ(parse_tensor_name("a/b:3").node, "a/b");
  EXPECT_EQ(parse_tensor_name("a/b:3").index, 3);
  EXPECT_EQ(parse_tensor_name("a/b").index, 0);
}

TEST(GraphRunnerTest, BinaryOpsBroadcastLikeNumpy) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1, 3});
  b.placeholder("y", DType::kFloat32, {-1, 1});
  b.op("add", "AddV2", {"x", "y"}, {{"T", type_attr(DType::kFloat32)}});
  b.constant("two", Tensor::scalar<float>(2.0f));
  b.op("mul", "Mul", {"add", "two"}, {{"T", type_attr(DType::kFloat32)}});
  Tensor x = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor y = floats({10, 20}, {2, 1});
  EXPECT_EQ(run_graph(b, {{"x:0", x}, {"y", y}}, "mul:0"),
            floats({22, 24, 26, 48, 50, 52}, {2, 3}));
  EXPECT_EQ(run_graph(b, {{"x", x}, {"y", floats({1, 2, 3}, {3})}}, "add"),
            floats({2, 4, 6, 5, 7, 9}, {2, 3}));
  EXPECT_EQ(run_graph_error(b, {{"x", x}, {"y", floats({1, 2}, {2})}}, "add").code(),
            StatusCode::kInvalidArgument);
}

TEST(GraphRunnerTest, ArrayOpsReshapeConcatSqueezeAndCast) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {2, 2});
  b.constant("shape", Tensor::from_vector<int32_t>({-1}, {1}));
  b.op("flat", "Reshape", {"x", "shape"}, {{"T", type_attr(DType::kFloat32)}});
  b.constant("axis", Tensor::scalar<int32_t>(1));
  b.op("cat", "ConcatV2", {"x", "x", "axis"},
       {{"N", int_attr(2)}, {"T", type_attr(DType::kFloat32)}});
  b.constant("zero", Tensor::scalar<int64_t>(0));
  b.op("expand", "ExpandDims", {"flat", "zero"}, {});
  b.op("squeeze", "Squeeze", {"expand"}, {});
  b.op("ids", "ArgMax", {"x", "axis"}, {{"output_type", type_attr(DType::kInt32)}});
  b.op("cast", "Cast", {"x"}, {{"DstT", type_attr(DType::kInt64)}});
  Tensor x = floats({1, 5, 7, 3}, {2, 2});
  EXPECT_EQ(run_graph(b, {{"x", x}}, "cat"), floats({1, 5, 1, 5, 7, 3, 7, 3}, {2, 4}));
  EXPECT_EQ(run_graph(b, {{"x", x}}, "expand"), floats({1, 5, 7, 3}, {1, 4}));
  EXPECT_EQ(run_graph(b, {{"x", x}}, "squeeze"), floats({1, 5, 7, 3}, {4}));
  EXPECT_EQ(run_graph(b, {{"x", x}}, "ids"), Tensor::from_vector<int32_t>({1, 0}, {2}));
  EXPECT_EQ(run_graph(b, {{"x", x}}, "cast"), Tensor::from_vector<int64_t>({1, 5, 7, 3}, {2, 2}));
}

TEST(GraphRunnerTest, FedTensorsReplaceTheirProducers) {
  GraphBuilder b;
  b.op("parse", "ParseExample", {});
  b.identity("x", "parse:1", DType::kFloat32);
  b.op("neg", "Neg", {"x"}, {{"T", type_attr(DType::kFloat32)}});
  EXPECT_EQ(run_graph(b, {{"x:0", floats({2}, {1})}}, "neg"), floats({-2}, {1}));
  Status s = run_graph_error(b, {}, "neg");
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("'parse'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ParseExample"), std::string::npos) << s.message();
}

TEST(GraphRunnerTest, BadGraphsAreErrorsNamingTheNode) {
  GraphBuilder b;
  b.op("a", "Identity", {"c"});
  b.op("c", "Identity", {"a"});
  b.op("d", "Identity", {"missing:0"});
  b.placeholder("p", DType::kFloat32, {1});
  Status cycle = run_graph_error(b, {}, "a");
  EXPECT_EQ(cycle.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cycle.message().find("cycle"), std::string::npos) << cycle.message();
  EXPECT_NE(run_graph_error(b, {}, "d").message().find("'missing'"), std::string::npos);
  EXPECT_NE(run_graph_error(b, {}, "p").message().find("'p'"), std::string::npos);
  EXPECT_EQ(run_graph_error(b, {}, "nowhere:0").code(), StatusCode::kInvalidArgument);
}

// "n<i>" (appended: GCC 12 warns falsely on "n" + std::string&&).
std::string chain_node(int i) {
  std::string name = "n";
  name += std::to_string(i);
  return name;
}

TEST(GraphRunnerTest, DeepChainsDoNotOverflowTheStack) {
  GraphBuilder b;
  b.placeholder("n0", DType::kFloat32, {1});
  for (int i = 1; i <= 100000; ++i) {
    b.identity(chain_node(i), chain_node(i - 1), DType::kFloat32);
  }
  EXPECT_EQ(run_graph(b, {{"n0", floats({3}, {1})}}, "n100000"), floats({3}, {1}));
}

constexpr int64_t kGraph2to31 = int64_t{1} << 31;

using testing::contains;

// Finding 12: the product of the leading dims (2^62) was the loop count.
TEST(GraphRunnerTest, ConcatOfEmptyTensorsWithHugeDimsReturnsWithoutLooping) {
  GraphBuilder b;
  b.constant("e", Tensor(DType::kFloat32, {kGraph2to31, kGraph2to31, 0}));
  b.constant("axis", Tensor::scalar<int32_t>(2));
  b.op("cat", "ConcatV2", {"e", "e", "axis"},
       {{"N", int_attr(2)}, {"T", type_attr(DType::kFloat32)}});
  EXPECT_EQ(run_graph(b, {}, "cat").shape(), TensorShape({kGraph2to31, kGraph2to31, 0}));
}

// Finding 5: the sum of the sizes on the axis overflowed (UBSan).
TEST(GraphRunnerTest, ConcatSizesThatOverflowAreResourceExhausted) {
  GraphBuilder b;
  b.constant("e", Tensor(DType::kFloat32, {int64_t{1} << 62, 0}));
  b.constant("axis", Tensor::scalar<int32_t>(0));
  b.op("cat", "ConcatV2", {"e", "e", "axis"},
       {{"N", int_attr(2)}, {"T", type_attr(DType::kFloat32)}});
  Status s = run_graph_error(b, {}, "cat");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "node 'cat' (ConcatV2)")) << s.message();
}

// Finding 5: the product of the known dims overflowed (UBSan).
TEST(GraphRunnerTest, ReshapeToDimsWhoseProductOverflowsIsInvalidArgument) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {4});
  b.constant("shape", Tensor::from_vector<int64_t>({int64_t{1} << 32, int64_t{1} << 32, -1}, {3}));
  b.op("r", "Reshape", {"x", "shape"}, {{"T", type_attr(DType::kFloat32)}});
  Status s = run_graph_error(b, {{"x", floats({1, 2, 3, 4}, {4})}}, "r");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "node 'r' (Reshape)")) << s.message();
  b.constant("empty", Tensor(DType::kFloat32, {0}));
  b.constant("huge", Tensor::from_vector<int64_t>({int64_t{1} << 62, 4, 0}, {3}));
  b.op("r0", "Reshape", {"empty", "huge"}, {{"T", type_attr(DType::kFloat32)}});
  EXPECT_EQ(run_graph(b, {}, "r0").shape(), TensorShape({int64_t{1} << 62, 4, 0}));
}

TEST(GraphRunnerTest, ArgMaxOfAnEmptyTensorWithHugeDimsIsEmpty) {
  GraphBuilder b;
  b.constant("e", Tensor(DType::kFloat32, {int64_t{1} << 40, int64_t{1} << 40, 5, 0}));
  b.constant("axis", Tensor::scalar<int32_t>(2));
  b.op("ids", "ArgMax", {"e", "axis"}, {{"output_type", type_attr(DType::kInt64)}});
  EXPECT_EQ(run_graph(b, {}, "ids").num_elements(), 0);
}

TEST(GraphRunnerTest, RunLimitCountsEveryNodesOutputs) {
  GraphBuilder b;
  b.constant("mib", filled_tensor_proto(DType::kFloat32, {1 << 18}, 1.0));  // 1 MiB
  b.identity("id1", "mib", DType::kFloat32);
  b.identity("id2", "id1", DType::kFloat32);
  b.identity("id3", "id2", DType::kFloat32);
  const int64_t limit = (int64_t{7} << 20) / 2;  // room for three outputs, not four
  EXPECT_TRUE(run_graph_error(b, {}, "id2", limit).ok());
  Status s = run_graph_error(b, {}, "id3", limit);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "node 'id3' (Identity)")) << s.message();
}

TEST(GraphRunnerTest, ExpandDimsPastTheRankLimitIsInvalidArgument) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {});
  b.constant("zero", Tensor::scalar<int32_t>(0));
  b.op("more", "ExpandDims", {"x", "zero"}, {});
  Tensor deepest(DType::kFloat32, TensorShape(std::vector<int64_t>(kMaxRank, 1)));
  Status s = run_graph_error(b, {{"x", deepest}}, "more");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "node 'more' (ExpandDims)")) << s.message();
}

// Finding 22.
TEST(GraphRunnerTest, DuplicateNodeNamesAreRefused) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {1});
  b.placeholder("y", DType::kFloat32, {1});
  tensorflow::GraphDef graph = b.graph();
  graph.mutable_node(1)->set_name("x");
  auto runner = GraphRunner::create(graph, {}, kRunBytes);
  EXPECT_EQ(runner.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(runner.status().message(), "'x'")) << runner.status().message();
}

// Finding 22: reading x:5 of a one-output Placeholder said "x was not fed".
TEST(GraphRunnerTest, InputReadingAnOutputItsNodeLacksIsRefused) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {1});
  b.identity("y", "x:5", DType::kFloat32);
  auto runner = GraphRunner::create(b.graph(), {}, kRunBytes);
  EXPECT_EQ(runner.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(runner.status().message(), "reads x:5")) << runner.status().message();
  GraphBuilder fetched;
  fetched.placeholder("x", DType::kFloat32, {1});
  Status s = run_graph_error(fetched, {{"x", floats({1}, {1})}}, "x:5");
  EXPECT_TRUE(contains(s.message(), "the run fetches x:5, but node 'x' (Placeholder) has 1 output"))
      << s.message();
  GraphBuilder ok;
  ok.op("parse", "ParseExample", {});
  ok.identity("x", "parse:3", DType::kFloat32);  // an op without a kernel: its outputs are unknown
  EXPECT_TRUE(GraphRunner::create(ok.graph(), {}, kRunBytes).ok());
}

}  // namespace
}  // namespace cairn::serving::internal
