// GraphBuilder: the nodes and attrs of TensorFlow's ops, TensorProto
// encodings, and the graph.pbtxt text round trip.
#include "cairn/formats/graph/graph_builder.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstring>

namespace cairn {
namespace {

const tensorflow::AttrValue& attr(const tensorflow::NodeDef& node, const std::string& key) {
  auto it = node.attr().find(key);
  EXPECT_NE(it, node.attr().end()) << node.name() << " has no attr " << key;
  static const tensorflow::AttrValue kEmpty;
  return it == node.attr().end() ? kEmpty : it->second;
}

std::vector<int64_t> dims_of(const tensorflow::TensorShapeProto& shape) {
  std::vector<int64_t> dims;
  for (const auto& d : shape.dim()) dims.push_back(d.size());
  return dims;
}

TEST(GraphBuilderTest, PlaceholderHasDtypeAndUnknownBatchDimension) {
  GraphBuilder b;
  const auto& x = b.placeholder("x", DType::kFloat32, {-1, 4});
  EXPECT_EQ(x.op(), "Placeholder");
  EXPECT_EQ(attr(x, "dtype").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(dims_of(attr(x, "shape").shape()), (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(b.graph().versions().producer(), kGraphDefProducer);
}

TEST(GraphBuilderTest, VariableIsVariableV2WithEveryRequiredAttr) {
  GraphBuilder b;
  const auto& v = b.variable("global_step", DType::kInt64, {});
  EXPECT_EQ(v.op(), "VariableV2");
  EXPECT_EQ(attr(v, "dtype").type(), tensorflow::DT_INT64);
  EXPECT_TRUE(attr(v, "shape").has_shape());
  EXPECT_EQ(attr(v, "shape").shape().dim_size(), 0);
  EXPECT_EQ(attr(v, "container").s(), "");
  EXPECT_EQ(attr(v, "shared_name").s(), "");
  EXPECT_EQ(attr(v, "container").value_case(), tensorflow::AttrValue::kS);
}

TEST(GraphBuilderTest, NumericConstantKeepsItsBytesInTensorContent) {
  GraphBuilder b;
  auto t = Tensor::from_vector<float>({1.5f, -2.f, 3.25f}, {3});
  const auto& c = b.constant("c", t);
  EXPECT_EQ(c.op(), "Const");
  EXPECT_EQ(attr(c, "dtype").type(), tensorflow::DT_FLOAT);
  const auto& proto = attr(c, "value").tensor();
  EXPECT_EQ(proto.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(dims_of(proto.tensor_shape()), (std::vector<int64_t>{3}));
  ASSERT_EQ(proto.tensor_content().size(), 12u);
  float back[3];
  std::memcpy(back, proto.tensor_content().data(), sizeof(back));
  EXPECT_EQ(back[0], 1.5f);
  EXPECT_EQ(back[2], 3.25f);
}

TEST(GraphBuilderTest, StringConstantUsesStringVal) {
  GraphBuilder b;
  const auto& c = b.constant("names", Tensor::from_strings({"a", "", "b/c"}, {3}));
  const auto& proto = attr(c, "value").tensor();
  EXPECT_EQ(proto.dtype(), tensorflow::DT_STRING);
  ASSERT_EQ(proto.string_val_size(), 3);
  EXPECT_EQ(proto.string_val(2), "b/c");
  EXPECT_TRUE(proto.tensor_content().empty());
}

TEST(GraphBuilderTest, FilledTensorProtoHoldsTheValueOnceInTheDtypesField) {
  auto f = filled_tensor_proto(DType::kFloat32, {4, 10}, 0.1);
  EXPECT_EQ(dims_of(f.tensor_shape()), (std::vector<int64_t>{4, 10}));
  ASSERT_EQ(f.float_val_size(), 1);
  EXPECT_EQ(f.float_val(0), 0.1f);
  auto i = filled_tensor_proto(DType::kInt64, {}, 0);
  ASSERT_EQ(i.int64_val_size(), 1);
  EXPECT_EQ(i.int64_val(0), 0);
  auto h = filled_tensor_proto(DType::kHalf, {2}, 1.0);
  ASSERT_EQ(h.half_val_size(), 1);
  EXPECT_EQ(h.half_val(0), 0x3c00);
  auto s = filled_tensor_proto(DType::kString, {2}, 0);
  EXPECT_EQ(s.string_val_size(), 1);
}

TEST(GraphBuilderTest, AssignTakesTheVariablesDtypeAndIsColocatedWithIt) {
  GraphBuilder b;
  b.variable("w", DType::kFloat64, {2});
  b.constant("w/Initializer/zeros", filled_tensor_proto(DType::kFloat64, {2}, 0));
  const auto& a = b.assign("w", "w/Initializer/zeros");
  EXPECT_EQ(a.name(), "w/Assign");
  EXPECT_EQ(a.op(), "Assign");
  ASSERT_EQ(a.input_size(), 2);
  EXPECT_EQ(a.input(0), "w");
  EXPECT_EQ(a.input(1), "w/Initializer/zeros");
  EXPECT_EQ(attr(a, "T").type(), tensorflow::DT_DOUBLE);
  EXPECT_TRUE(attr(a, "validate_shape").b());
  EXPECT_TRUE(attr(a, "use_locking").b());
  EXPECT_EQ(attr(a, "_class").list().s(0), "loc:@w");
  EXPECT_EQ(b.assign("w", "w/Initializer/zeros", "save/Assign_3").name(), "save/Assign_3");
}

TEST(GraphBuilderTest, MatMulBiasAddAndNoOpCarryTensorFlowsAttrs) {
  GraphBuilder b;
  const auto& m = b.matmul("mm", "x", "w/read", DType::kFloat32, false, true);
  EXPECT_FALSE(attr(m, "transpose_a").b());
  EXPECT_TRUE(attr(m, "transpose_b").b());
  EXPECT_EQ(attr(m, "T").type(), tensorflow::DT_FLOAT);
  const auto& ba = b.bias_add("ba", "mm", "b/read", DType::kFloat32);
  EXPECT_EQ(attr(ba, "data_format").s(), "NHWC");
  const auto& n = b.no_op("init", {"w/Assign", "b/Assign"});
  ASSERT_EQ(n.input_size(), 2);
  EXPECT_EQ(n.input(0), "^w/Assign");
  EXPECT_EQ(b.graph().node_size(), 3);
  EXPECT_TRUE(b.has_node("ba"));
  EXPECT_FALSE(b.has_node("nope"));
}

TEST(GraphBuilderTest, NodeReferencesStayValidWhileNodesAreAdded) {
  GraphBuilder b;
  auto& first = b.op("first", "NoOp");
  for (int i = 0; i < 100; ++i) b.op("n" + std::to_string(i), "NoOp");
  first.add_input("^n99");
  EXPECT_EQ(b.find("first")->input(0), "^n99");
}

TEST(GraphBuilderTest, TakenNamesGetTensorFlowsNumericSuffix) {
  GraphBuilder b;
  b.variable("w", DType::kFloat32, {1});
  EXPECT_EQ(b.op("save/Assign", "NoOp").name(), "save/Assign");
  EXPECT_EQ(b.op("save/Assign", "NoOp").name(), "save/Assign_1");
  b.op("x_1", "NoOp");
  b.op("x", "NoOp");
  EXPECT_EQ(b.op("x", "NoOp").name(), "x_2");
  EXPECT_EQ(b.assign("w", "c").name(), "w/Assign");
  EXPECT_EQ(b.assign("w", "c").name(), "w/Assign_1");
}

TEST(GraphBuilderTest, ValidNodeNameKeepsTensorFlowsCharactersOnly) {
  EXPECT_EQ(valid_node_name("dnn/hiddenlayer_0/kernel"), "dnn/hiddenlayer_0/kernel");
  EXPECT_EQ(valid_node_name("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"),
            "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(valid_node_name("_CHECKPOINTABLE_OBJECT_GRAPH"), "v_CHECKPOINTABLE_OBJECT_GRAPH");
  EXPECT_EQ(valid_node_name("sepal length (cm)"), "sepal_length__cm_");
  EXPECT_EQ(valid_node_name(""), "v");
}

TEST(GraphBuilderTest, InputNodeNameStripsControlMarkAndOutputIndex) {
  EXPECT_EQ(input_node_name("^save/Assign_3"), "save/Assign_3");
  EXPECT_EQ(input_node_name("save/RestoreV2:12"), "save/RestoreV2");
  EXPECT_EQ(input_node_name("dnn/logits/BiasAdd"), "dnn/logits/BiasAdd");
}

TEST(GraphBuilderTest, ShardedSaverListsVariablesSortedByCheckpointName) {
  GraphBuilder b;
  b.variable("w", DType::kFloat32, {2, 3});
  b.variable("global_step", DType::kInt64, {});
  add_sharded_saver(b, {{"w", "w", "w/read", DType::kFloat32},
                        {"global_step", "global_step", "global_step", DType::kInt64}});
  const auto* names = b.find("save/SaveV2/tensor_names");
  ASSERT_NE(names, nullptr);
  const auto& proto = attr(*names, "value").tensor();
  ASSERT_EQ(proto.string_val_size(), 2);
  EXPECT_EQ(proto.string_val(0), "global_step");
  EXPECT_EQ(proto.string_val(1), "w");
  const auto* save = b.find("save/SaveV2");
  ASSERT_NE(save, nullptr);
  ASSERT_EQ(save->input_size(), 5);
  EXPECT_EQ(save->input(0), "save/ShardedFilename");
  EXPECT_EQ(save->input(3), "global_step");
  EXPECT_EQ(save->input(4), "w/read");
  const auto& dtypes = attr(*save, "dtypes").list();
  ASSERT_EQ(dtypes.type_size(), 2);
  EXPECT_EQ(dtypes.type(0), tensorflow::DT_INT64);
  EXPECT_EQ(dtypes.type(1), tensorflow::DT_FLOAT);
  const auto* restore_w = b.find("save/Assign_1");
  ASSERT_NE(restore_w, nullptr);
  EXPECT_EQ(restore_w->input(0), "w");
  EXPECT_EQ(restore_w->input(1), "save/RestoreV2:1");
  EXPECT_EQ(b.find("save/Assign")->input(1), "save/RestoreV2");
  EXPECT_EQ(b.find("save/restore_all")->input(0), "^save/restore_shard");

  tensorflow::SaverDef def = sharded_saver_def();
  EXPECT_TRUE(b.has_node(std::string(input_node_name(def.filename_tensor_name()))));
  EXPECT_TRUE(b.has_node(std::string(input_node_name(def.save_tensor_name()))));
  EXPECT_TRUE(b.has_node(def.restore_op_name()));
  EXPECT_EQ(def.version(), tensorflow::SaverDef::V2);
}

TEST(GraphBuilderTest, TextFormatRoundTripKeepsEveryNodeAndAttr) {
  GraphBuilder b;
  b.placeholder("x", DType::kFloat32, {-1, 4});
  b.variable("w", DType::kFloat32, {4, 3});
  b.constant("w/Initializer/zeros", Tensor(DType::kFloat32, {4, 3}));
  b.assign("w", "w/Initializer/zeros");
  b.identity("w/read", "w", DType::kFloat32);
  b.matmul("y", "x", "w/read", DType::kFloat32);
  b.constant("s", Tensor::from_strings({"quote \" and \\ and \xff"}, {1}));
  tensorflow::GraphDef graph = b.release();
  std::string text = graph_to_pbtxt(graph);
  EXPECT_NE(text.find("op: \"VariableV2\""), std::string::npos);
  auto parsed = parse_graph_pbtxt(text, "graph.pbtxt");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*parsed, graph));
}

TEST(GraphBuilderTest, ParseGraphPbtxtNamesFileAndLineOfBadText) {
  auto parsed = parse_graph_pbtxt("node {\n  name: \"x\"\n  bogus: 1\n}\n", "dir/graph.pbtxt");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(parsed.status().message().find("dir/graph.pbtxt"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("line 3"), std::string::npos);
}

}  // namespace
}  // namespace cairn
