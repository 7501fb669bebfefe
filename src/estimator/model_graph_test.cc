// The canned Estimator's graph and MetaGraphDef: consistent with the
// checkpoint's variables, closed (every input exists), made of TensorFlow's
// standard ops, recording the ModelSpec; compared with a MetaGraphDef that
// TensorFlow's DNNClassifier wrote, and read back by Python's protobuf from
// modules that protoc generates from our .proto files.
#include "estimator/model_graph.h"

#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn::estimator {
namespace {

using data::numeric_column;

ModelSpec iris_graph_spec() {
  ModelSpec spec;
  spec.type = EstimatorType::kDNNClassifier;
  spec.feature_columns = {numeric_column("SepalLength"), numeric_column("SepalWidth"),
                          numeric_column("PetalLength"), numeric_column("PetalWidth")};
  spec.hidden_units = {10, 10};
  spec.n_classes = 3;
  return spec;
}

// What a DNNClassifier [10, 10] checkpoint with Adagrad holds.
std::vector<VariableInfo> iris_variables() {
  std::vector<VariableInfo> model = {{"dnn/hiddenlayer_0/kernel", DType::kFloat32, {4, 10}},
                                     {"dnn/hiddenlayer_0/bias", DType::kFloat32, {10}},
                                     {"dnn/hiddenlayer_1/kernel", DType::kFloat32, {10, 10}},
                                     {"dnn/hiddenlayer_1/bias", DType::kFloat32, {10}},
                                     {"dnn/logits/kernel", DType::kFloat32, {10, 3}},
                                     {"dnn/logits/bias", DType::kFloat32, {3}}};
  std::vector<VariableInfo> all = {{"global_step", DType::kInt64, {}}};
  for (const auto& v : model) {
    all.push_back(v);
    all.push_back({v.name + "/t_0/Adagrad", v.dtype, v.shape});
  }
  return all;
}

std::map<std::string, const tensorflow::NodeDef*> by_name(const tensorflow::GraphDef&& graph) =
    delete;
std::map<std::string, const tensorflow::NodeDef*> by_name(const tensorflow::GraphDef& graph) {
  std::map<std::string, const tensorflow::NodeDef*> nodes;
  for (const auto& n : graph.node()) nodes[n.name()] = &n;
  return nodes;
}

TensorShape shape_of(const tensorflow::NodeDef& node) {
  std::vector<int64_t> dims;
  for (const auto& d : node.attr().at("shape").shape().dim()) dims.push_back(d.size());
  return TensorShape(std::move(dims));
}

// Every input names a node of the graph; nodes are named uniquely.
void expect_closed(const tensorflow::GraphDef& graph) {
  auto nodes = by_name(graph);
  EXPECT_EQ(nodes.size(), static_cast<size_t>(graph.node_size())) << "duplicate node names";
  for (const auto& n : graph.node()) {
    for (const auto& input : n.input()) {
      EXPECT_TRUE(nodes.count(std::string(input_node_name(input))))
          << n.name() << " reads missing " << input;
    }
  }
}

void expect_variables_match(const tensorflow::GraphDef& graph,
                            const std::vector<VariableInfo>& variables) {
  auto nodes = by_name(graph);
  for (const auto& v : variables) {
    ASSERT_TRUE(nodes.count(v.name)) << v.name;
    const auto& node = *nodes[v.name];
    EXPECT_EQ(node.op(), "VariableV2") << v.name;
    EXPECT_EQ(node.attr().at("dtype").type(), to_proto_dtype(v.dtype)) << v.name;
    EXPECT_EQ(shape_of(node), v.shape) << v.name;
    EXPECT_TRUE(nodes.count(v.name + "/Assign")) << v.name;
    EXPECT_TRUE(nodes.count(v.name + "/read")) << v.name;
  }
}

TEST(ModelGraphTest, EveryCheckpointVariableHasAVariableV2OfTheSameDtypeAndShape) {
  auto variables = iris_variables();
  tensorflow::GraphDef graph = build_model_graph(iris_graph_spec(), variables);
  expect_variables_match(graph, variables);
  int count = 0;
  for (const auto& n : graph.node()) count += n.op() == "VariableV2";
  EXPECT_EQ(count, static_cast<int>(variables.size()));
  expect_closed(graph);
}

TEST(ModelGraphTest, UsesOnlyStandardTensorFlowOps) {
  const std::set<std::string> standard = {"Placeholder",   "Const",      "Identity",
                                          "ConcatV2",      "MatMul",     "BiasAdd",
                                          "Relu",          "Softmax",    "ArgMax",
                                          "VariableV2",    "Assign",     "NoOp",
                                          "Sub",           "Mul",        "Add",
                                          "RandomUniform", "StringJoin", "ShardedFilename",
                                          "SaveV2",        "Pack",       "MergeV2Checkpoints",
                                          "RestoreV2"};
  tensorflow::GraphDef graph = build_model_graph(iris_graph_spec(), iris_variables());
  for (const auto& n : graph.node())
    EXPECT_TRUE(standard.count(n.op())) << n.name() << ": " << n.op();
  EXPECT_EQ(graph.versions().producer(), kGraphDefProducer);
}

TEST(ModelGraphTest, LayersChainFromFeaturesSortedByKeyToTheHead) {
  tensorflow::GraphDef nodes_graph = build_model_graph(iris_graph_spec(), iris_variables());
  auto nodes = by_name(nodes_graph);
  const auto& concat = *nodes.at("dnn/input_from_feature_columns/input_layer/concat");
  EXPECT_EQ(concat.op(), "ConcatV2");
  ASSERT_EQ(concat.input_size(), 5);
  EXPECT_EQ(concat.input(0), "PetalLength");
  EXPECT_EQ(concat.input(3), "SepalWidth");
  const auto& x = *nodes.at("SepalLength");
  EXPECT_EQ(x.op(), "Placeholder");
  EXPECT_EQ(x.attr().at("shape").shape().dim(0).size(), -1);

  const auto& mm = *nodes.at("dnn/hiddenlayer_1/MatMul");
  EXPECT_EQ(mm.input(0), "dnn/hiddenlayer_0/Relu");
  EXPECT_EQ(mm.input(1), "dnn/hiddenlayer_1/kernel/read");
  EXPECT_EQ(nodes.at("dnn/hiddenlayer_1/BiasAdd")->input(1), "dnn/hiddenlayer_1/bias/read");
  EXPECT_EQ(nodes.at("dnn/logits/MatMul")->input(0), "dnn/hiddenlayer_1/Relu");
  EXPECT_FALSE(nodes.count("dnn/logits/Relu"));
  EXPECT_EQ(nodes.at("head/predictions/probabilities")->input(0), "dnn/logits/BiasAdd");
  const auto& ids = *nodes.at("head/predictions/class_ids");
  EXPECT_EQ(ids.op(), "ArgMax");
  EXPECT_EQ(ids.attr().at("output_type").type(), tensorflow::DT_INT64);
}

TEST(ModelGraphTest, InitializersFollowTensorFlow) {
  tensorflow::GraphDef nodes_graph = build_model_graph(iris_graph_spec(), iris_variables());
  auto nodes = by_name(nodes_graph);
  EXPECT_EQ(nodes.at("dnn/hiddenlayer_0/kernel/Assign")->input(1),
            "dnn/hiddenlayer_0/kernel/Initializer/random_uniform");
  const auto& max = *nodes.at("dnn/hiddenlayer_0/kernel/Initializer/random_uniform/max");
  EXPECT_NEAR(max.attr().at("value").tensor().float_val(0), 0.6546537, 1e-6);  // sqrt(6 / 14)
  EXPECT_EQ(nodes.at("dnn/hiddenlayer_0/bias/Assign")->input(1),
            "dnn/hiddenlayer_0/bias/Initializer/zeros");
  const auto& acc = *nodes.at("dnn/hiddenlayer_0/kernel/t_0/Adagrad/Initializer/Const");
  EXPECT_FLOAT_EQ(acc.attr().at("value").tensor().float_val(0), 0.1f);
  const auto& step = *nodes.at("global_step/Initializer/zeros");
  EXPECT_EQ(step.attr().at("value").tensor().int64_val(0), 0);
  EXPECT_EQ(nodes.at("init")->input_size(), 13);
}

TEST(ModelGraphTest, SaverSavesAndRestoresEveryVariableSortedByName) {
  auto variables = iris_variables();
  tensorflow::GraphDef nodes_graph = build_model_graph(iris_graph_spec(), variables);
  auto nodes = by_name(nodes_graph);
  const auto& names = nodes.at("save/SaveV2/tensor_names")->attr().at("value").tensor();
  std::vector<std::string> expected;
  for (const auto& v : variables) expected.push_back(v.name);
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(names.string_val_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(names.string_val(static_cast<int>(i)), expected[i]);
    std::string assign = i == 0 ? "save/Assign" : "save/Assign_" + std::to_string(i);
    EXPECT_EQ(nodes.at(assign)->input(0), expected[i]);
  }
  EXPECT_EQ(nodes.at("save/RestoreV2")->attr().at("dtypes").list().type_size(), 13);
  EXPECT_EQ(nodes.at("save/restore_shard")->input_size(), 13);
}

TEST(ModelGraphTest, UsesTheCheckpointsNamesForEachLayer) {
  // TensorFlow 1.0 named them weights/biases.
  std::vector<VariableInfo> variables = {{"dnn/hiddenlayer_0/weights", DType::kFloat32, {4, 10}},
                                         {"dnn/hiddenlayer_0/biases", DType::kFloat32, {10}},
                                         {"dnn/logits/weights", DType::kFloat32, {10, 3}},
                                         {"dnn/logits/biases", DType::kFloat32, {3}}};
  ModelSpec spec = iris_graph_spec();
  spec.hidden_units = {10};
  auto graph = build_model_graph(spec, variables);
  auto nodes = by_name(graph);
  EXPECT_EQ(nodes.at("dnn/hiddenlayer_0/MatMul")->input(1), "dnn/hiddenlayer_0/weights/read");
  EXPECT_EQ(nodes.at("dnn/logits/BiasAdd")->input(1), "dnn/logits/biases/read");
  EXPECT_FALSE(nodes.count("dnn/hiddenlayer_0/kernel"));
  expect_variables_match(graph, variables);
}

TEST(ModelGraphTest, AddsModelVariablesTheListLacks) {
  auto graph = build_model_graph(iris_graph_spec(), {});
  expect_variables_match(graph, {{"dnn/hiddenlayer_0/kernel", DType::kFloat32, {4, 10}},
                                 {"dnn/hiddenlayer_1/bias", DType::kFloat32, {10}},
                                 {"dnn/logits/kernel", DType::kFloat32, {10, 3}}});
  expect_closed(graph);
}

TEST(ModelGraphTest, BinaryClassifierScoresTwoClassLogits) {
  ModelSpec spec = iris_graph_spec();
  spec.n_classes = 2;
  auto graph = build_model_graph(spec, {});
  auto nodes = by_name(graph);
  EXPECT_EQ(nodes.at("head/predictions/logistic")->op(), "Sigmoid");
  EXPECT_EQ(nodes.at("head/predictions/probabilities")->input(0),
            "head/predictions/two_class_logits");
  EXPECT_EQ(nodes.at("head/predictions/class_ids")->input(0), "head/predictions/two_class_logits");
  expect_variables_match(graph, {{"dnn/logits/kernel", DType::kFloat32, {10, 1}}});
  expect_closed(graph);
}

TEST(ModelGraphTest, RegressorPredictsItsLogits) {
  ModelSpec spec = iris_graph_spec();
  spec.type = EstimatorType::kDNNRegressor;
  spec.label_dimension = 2;
  spec.activation = nn::Activation::kTanh;
  auto graph = build_model_graph(spec, {});
  auto nodes = by_name(graph);
  EXPECT_EQ(nodes.at("head/predictions/predictions")->input(0), "dnn/logits/BiasAdd");
  EXPECT_EQ(nodes.at("dnn/hiddenlayer_0/Tanh")->op(), "Tanh");
  EXPECT_FALSE(nodes.count("head/predictions/probabilities"));
  expect_closed(graph);
}

TEST(ModelGraphTest, LinearClassifierWeighsEachFeature) {
  ModelSpec spec;
  spec.type = EstimatorType::kLinearClassifier;
  spec.feature_columns = {numeric_column("b", 2), numeric_column("a")};
  spec.n_classes = 3;
  spec.optimizer = "Ftrl";
  std::vector<VariableInfo> variables = {
      {"linear/linear_model/a/weights", DType::kFloat32, {1, 3}},
      {"linear/linear_model/b/weights", DType::kFloat32, {2, 3}},
      {"linear/linear_model/bias_weights", DType::kFloat32, {3}},
      {"linear/linear_model/a/weights/Ftrl", DType::kFloat32, {1, 3}},
      {"global_step", DType::kInt64, {}}};
  auto graph = build_model_graph(spec, variables);
  expect_variables_match(graph, variables);
  expect_closed(graph);
  auto nodes = by_name(graph);
  const auto& a = *nodes.at("linear/linear_model/a/weighted_sum");
  EXPECT_EQ(a.input(0), "a");
  EXPECT_EQ(a.input(1), "linear/linear_model/a/weights/read");
  EXPECT_EQ(nodes.at("linear/linear_model/weighted_sum_no_bias")->op(), "AddN");
  EXPECT_EQ(nodes.at("head/predictions/probabilities")->input(0),
            "linear/linear_model/weighted_sum");
}

TEST(ModelGraphTest, NamesThatAreNotNodeNamesAreSavedUnderTheirCheckpointName) {
  std::vector<VariableInfo> variables = iris_variables();
  variables.push_back({"_CHECKPOINTABLE_OBJECT_GRAPH", DType::kString, {}});
  auto graph = build_model_graph(iris_graph_spec(), variables);
  expect_closed(graph);
  auto nodes = by_name(graph);
  EXPECT_EQ(nodes.at("v_CHECKPOINTABLE_OBJECT_GRAPH")->op(), "VariableV2");
  const auto& names = nodes.at("save/RestoreV2/tensor_names")->attr().at("value").tensor();
  EXPECT_EQ(names.string_val(0), "_CHECKPOINTABLE_OBJECT_GRAPH");
  EXPECT_EQ(nodes.at("save/Assign")->input(0), "v_CHECKPOINTABLE_OBJECT_GRAPH");
}

// The fields of a serialized VariableDef, by number.
std::map<int, std::string> variable_def_fields(const std::string& bytes) {
  google::protobuf::UnknownFieldSet fields;
  EXPECT_TRUE(fields.ParseFromString(bytes));
  std::map<int, std::string> out;
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& f = fields.field(i);
    out[f.number()] = f.type() == google::protobuf::UnknownField::TYPE_VARINT
                          ? std::to_string(f.varint())
                          : f.length_delimited();
  }
  return out;
}

TEST(ModelGraphTest, MetaGraphRecordsSaverCollectionsAndSpec) {
  ModelSpec spec = iris_graph_spec();
  spec.activation = nn::Activation::kElu;
  auto graph = build_model_graph(spec, iris_variables());
  tensorflow::MetaGraphDef meta = build_meta_graph(spec, graph);
  EXPECT_EQ(meta.graph_def().node_size(), graph.node_size());
  EXPECT_EQ(meta.saver_def().filename_tensor_name(), "save/Const:0");
  EXPECT_EQ(meta.saver_def().restore_op_name(), "save/restore_all");
  EXPECT_TRUE(meta.saver_def().sharded());
  EXPECT_EQ(meta.meta_info_def().tags_size(), 0);

  const auto& collections = meta.collection_def();
  EXPECT_EQ(collections.at("variables").bytes_list().value_size(), 13);
  const auto& trainable = collections.at("trainable_variables").bytes_list();
  ASSERT_EQ(trainable.value_size(), 6);
  auto first = variable_def_fields(trainable.value(0));
  EXPECT_EQ(first[1], "dnn/hiddenlayer_0/kernel:0");
  EXPECT_EQ(first[2], "dnn/hiddenlayer_0/kernel/Assign");
  EXPECT_EQ(first[3], "dnn/hiddenlayer_0/kernel/read:0");
  EXPECT_EQ(first[6], "dnn/hiddenlayer_0/kernel/Initializer/random_uniform:0");
  EXPECT_EQ(first[7], "1");
  auto step = variable_def_fields(collections.at("variables").bytes_list().value(0));
  EXPECT_EQ(step[1], "global_step:0");
  EXPECT_FALSE(step.count(7));
  EXPECT_EQ(collections.at("global_step").node_list().value(0), "global_step:0");

  auto back = read_model_spec_from_meta(meta.SerializeAsString(), "model.ckpt-1.meta");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->to_json(), spec.to_json());
}

TEST(ModelGraphTest, ReadModelSpecReportsMissingAndCorruptSpecs) {
  tensorflow::MetaGraphDef meta;
  auto missing = read_model_spec_from_meta(meta.SerializeAsString(), "dir/model.ckpt-5.meta");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("dir/model.ckpt-5.meta"), std::string::npos);

  auto garbage = read_model_spec_from_meta("\xff\xff\xff", "dir/model.ckpt-5.meta");
  EXPECT_EQ(garbage.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(garbage.status().message().find("dir/model.ckpt-5.meta"), std::string::npos);

  (*meta.mutable_collection_def())[std::string(kModelSpecCollection)]
      .mutable_bytes_list()
      ->add_value("{\"estimator\": \"Nope\"");
  auto bad = read_model_spec_from_meta(meta.SerializeAsString(), "dir/model.ckpt-5.meta");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("dir/model.ckpt-5.meta"), std::string::npos);
}

// A DNNClassifier's model.ckpt-4000.meta written by TensorFlow 1.0.
class TensorFlowMetaGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixtures = cairn::testing::fixtures_dir();
    if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
    path_ = *fixtures + "/hishmad-iris-estimator/iris_model/model.ckpt-4000.meta";
    auto bytes = default_file_system().read_file(path_);
    ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
    bytes_ = *bytes;
    ASSERT_TRUE(meta_.ParseFromString(bytes_));
  }
  std::string path_, bytes_;
  tensorflow::MetaGraphDef meta_;
};

TEST_F(TensorFlowMetaGraphTest, HasNoModelSpec) {
  EXPECT_EQ(read_model_spec_from_meta(bytes_, path_).status().code(), StatusCode::kNotFound);
}

TEST_F(TensorFlowMetaGraphTest, SaverDefIsOurs) {
  tensorflow::SaverDef ours = sharded_saver_def();
  EXPECT_EQ(meta_.saver_def().SerializeAsString(), ours.SerializeAsString());
}

TEST_F(TensorFlowMetaGraphTest, OurSaveNodesHaveTensorFlowsNamesAndOps) {
  auto theirs = by_name(meta_.graph_def());
  auto ours = build_model_graph(iris_graph_spec(), iris_variables());
  int compared = 0;
  for (const auto& n : ours.node()) {
    if (n.name().rfind("save/", 0) != 0 || n.name().rfind("save/RestoreV2", 0) == 0) continue;
    if (n.name().rfind("save/Assign", 0) == 0) continue;  // TF 1.0 restored one by one
    ASSERT_TRUE(theirs.count(n.name())) << n.name();
    EXPECT_EQ(theirs[n.name()]->op(), n.op()) << n.name();
    for (const auto& [key, value] : theirs[n.name()]->attr()) {
      if (key == "_output_shapes" || key == "value") continue;
      EXPECT_TRUE(n.attr().count(key)) << n.name() << " lacks attr " << key;
    }
    ++compared;
  }
  EXPECT_EQ(compared, 15);
}

TEST_F(TensorFlowMetaGraphTest, OurVariableNodesCarryTensorFlowsAttrs) {
  auto theirs = by_name(meta_.graph_def());
  tensorflow::GraphDef ours_graph = build_model_graph(iris_graph_spec(), iris_variables());
  auto ours = by_name(ours_graph);
  for (const auto& [name, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"global_step", ""}, {"global_step", "/Assign"}, {"global_step", "/read"}}) {
    const auto& t = *theirs.at(name + suffix);
    const auto& o = *ours.at(name + suffix);
    EXPECT_EQ(t.op(), o.op());
    for (const auto& [key, value] : t.attr()) {
      if (key != "_output_shapes") {
        EXPECT_TRUE(o.attr().count(key)) << o.name() << " " << key;
      }
    }
  }
}

constexpr const char* kPythonCheck = R"(
import json, sys
sys.path.insert(0, sys.argv[1] + "/py")
from google.protobuf import text_format
from cairn.proto import graph_pb2, meta_graph_pb2
d = sys.argv[1]
with open(d + "/graph.pbtxt") as f:
    graph = text_format.Parse(f.read(), graph_pb2.GraphDef())
meta = meta_graph_pb2.MetaGraphDef()
with open(d + "/model.ckpt-1.meta", "rb") as f:
    meta.ParseFromString(f.read())
spec = json.loads(meta.collection_def["cairn_model_spec"].bytes_list.value[0])
variables = sorted(n.name + str([d.size for d in n.attr["shape"].shape.dim])
                   for n in graph.node if n.op == "VariableV2")
print(len(graph.node), len(meta.graph_def.node), spec["estimator"], spec["hidden_units"],
      meta.saver_def.restore_op_name, len(variables), variables[0])
)";

TEST(ModelGraphInteropTest, PythonProtobufReadsGraphPbtxtAndMetaThroughOurProtos) {
  if (auto why = cairn::testing::python_protos_unavailable(); !why.empty()) GTEST_SKIP() << why;
  cairn::testing::TempDir dir;
  ModelSpec spec = iris_graph_spec();
  auto graph = build_model_graph(spec, iris_variables());
  FileSystem& fs = default_file_system();
  ASSERT_TRUE(fs.write_file_atomically(dir.path() + "/graph.pbtxt", graph_to_pbtxt(graph)).ok());
  ASSERT_TRUE(fs.write_file_atomically(dir.path() + "/model.ckpt-1.meta",
                                       build_meta_graph(spec, graph).SerializeAsString())
                  .ok());
  ASSERT_TRUE(fs.write_file_atomically(dir.path() + "/check.py", kPythonCheck).ok());
  auto gen = cairn::testing::compile_python_protos(dir.path() + "/py");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto q = cairn::testing::shell_quote;
  auto run = cairn::testing::run_command("/usr/bin/python3 " + q(dir.path() + "/check.py") + " " +
                                         q(dir.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string n = std::to_string(graph.node_size());
  EXPECT_EQ(
      run.out,
      n + " " + n +
          " DNNClassifier [10, 10] save/restore_all 13 dnn/hiddenlayer_0/bias/t_0/Adagrad[10]\n");
}

}  // namespace
}  // namespace cairn::estimator
