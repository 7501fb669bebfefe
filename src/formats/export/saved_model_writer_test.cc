// write_saved_model: the directory layout, the MetaGraphDef (tags, serving
// signature, standard ops, saver), the variables bundle; read back by
// Python's protobuf through our .proto files and by ../shared/tools/tfckpt.py;
// and a full disk at every point of a write never leaves a saved_model.pb
// beside variables it does not describe.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/graph/graph_builder.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

Tensor filled_from(TensorShape shape, float start) {
  Tensor t(DType::kFloat32, std::move(shape));
  for (float& v : t.flat<float>()) v = (start += 0.25f);
  return t;
}

// A classifier on features "a" (2 wide) and "b" (1 wide).
InferenceModel classifier() {
  InferenceModel m;
  m.name = "dnn";
  m.input_shape = {3};
  m.feature_names = {"a", "b"};
  m.feature_widths = {2, 1};
  m.steps = {{.name = "dnn/hiddenlayer_0",
              .kernel = filled_from({3, 4}, 0),
              .bias = filled_from({4}, 1),
              .activation = "relu"},
             {.name = "dnn/logits", .kernel = filled_from({4, 3}, 2), .bias = filled_from({3}, 3)}};
  m.outputs = {{"logits", InferenceOutput::Kind::kLogits},
               {"probabilities", InferenceOutput::Kind::kProbabilities},
               {"class_ids", InferenceOutput::Kind::kClassIds}};
  return m;
}

std::map<std::string, const tensorflow::NodeDef*> by_name(const tensorflow::GraphDef& graph) {
  std::map<std::string, const tensorflow::NodeDef*> nodes;
  for (const auto& n : graph.node()) nodes[n.name()] = &n;
  return nodes;
}

TEST(SavedModelWriterTest, MetaGraphIsTaggedServeWithAPredictSignature) {
  auto meta = build_serving_meta_graph(classifier());
  ASSERT_TRUE(meta.ok()) << meta.status().to_string();
  ASSERT_EQ(meta->meta_info_def().tags_size(), 1);
  EXPECT_EQ(meta->meta_info_def().tags(0), "serve");
  const auto& sig = meta->signature_def().at("serving_default");
  EXPECT_EQ(sig.method_name(), "tensorflow/serving/predict");
  EXPECT_EQ(sig.inputs().at("a").name(), "a:0");
  EXPECT_EQ(sig.inputs().at("a").tensor_shape().dim(1).size(), 2);
  EXPECT_EQ(sig.inputs().at("b").dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(sig.outputs().at("logits").name(), "dnn/logits/BiasAdd:0");
  EXPECT_EQ(sig.outputs().at("probabilities").name(), "head/predictions/probabilities:0");
  EXPECT_EQ(sig.outputs().at("class_ids").dtype(), tensorflow::DT_INT64);
  EXPECT_EQ(meta->saver_def().restore_op_name(), "save/restore_all");
}

TEST(SavedModelWriterTest, GraphIsClosedAndMadeOfStandardOps) {
  const std::set<std::string> standard = {"Placeholder",
                                          "Const",
                                          "Identity",
                                          "ConcatV2",
                                          "MatMul",
                                          "BiasAdd",
                                          "Relu",
                                          "Softmax",
                                          "ArgMax",
                                          "ExpandDims",
                                          "VariableV2",
                                          "Assign",
                                          "NoOp",
                                          "SaveV2",
                                          "RestoreV2",
                                          "StringJoin",
                                          "ShardedFilename",
                                          "Pack",
                                          "MergeV2Checkpoints"};
  auto meta = build_serving_meta_graph(classifier());
  ASSERT_TRUE(meta.ok());
  auto nodes = by_name(meta->graph_def());
  for (const auto& n : meta->graph_def().node()) {
    EXPECT_TRUE(standard.count(n.op())) << n.name() << ": " << n.op();
    for (const auto& input : n.input()) {
      EXPECT_TRUE(nodes.count(std::string(input_node_name(input)))) << n.name() << " " << input;
    }
  }
  EXPECT_EQ(nodes.at("input_layer/concat")->input(0), "a");
  EXPECT_EQ(nodes.at("dnn/hiddenlayer_0/MatMul")->input(1), "dnn/hiddenlayer_0/kernel/read");
  EXPECT_EQ(nodes.at("dnn/logits/kernel")->op(), "VariableV2");
  EXPECT_EQ(meta->collection_def().at("variables").bytes_list().value_size(), 4);
}

TEST(SavedModelWriterTest, WritesTheLayoutAndTheWeightsByVariableName) {
  testing::TempDir dir;
  const std::string export_dir = dir.path() + "/export/1";
  FileSystem& fs = default_file_system();
  ASSERT_TRUE(write_saved_model(fs, export_dir, classifier()).ok());
  EXPECT_TRUE(fs.is_directory(export_dir + "/assets"));
  auto saved = read_saved_model_proto(fs, export_dir);
  ASSERT_TRUE(saved.ok()) << saved.status().to_string();
  EXPECT_EQ(saved->saved_model_schema_version(), 1);
  auto reader = BundleReader::open(fs, export_dir + "/variables/variables");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  ASSERT_EQ((*reader)->entries().size(), 4u);
  auto kernel = (*reader)->read("dnn/logits/kernel");
  ASSERT_TRUE(kernel.ok());
  EXPECT_EQ(*kernel, classifier().steps[1].kernel);
}

TEST(SavedModelWriterTest, ReadReportsMissingAndCorruptFilesByName) {
  MemoryFileSystem fs;
  auto missing = read_saved_model_proto(fs, "/m");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/m/saved_model.pb"), std::string::npos);
  ASSERT_TRUE(fs.write_file_atomically("/m/saved_model.pb", "\xff\xff\xff garbage").ok());
  auto corrupt = read_saved_model_proto(fs, "/m");
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(corrupt.status().message().find("/m/saved_model.pb"), std::string::npos);
}

// Fills the disk at every possible point, into an empty directory and over
// an earlier export: a failed write never leaves a saved_model.pb.
TEST(SavedModelWriterTest, FullDiskNeverLeavesAHalfWrittenSavedModelLookingComplete) {
  InferenceModel first = classifier();
  first.steps[0].bias = filled_from({4}, 100);
  for (bool overwrite : {false, true}) {
    int failures = 0;
    for (uint64_t capacity = 0;; capacity += 64) {
      MemoryFileSystem fs;
      if (overwrite) {
        ASSERT_TRUE(write_saved_model(fs, "/m", first).ok());
      }
      fs.set_capacity(capacity);
      Status s = write_saved_model(fs, "/m", classifier());
      if (s.ok()) break;
      ++failures;
      EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.to_string();
      EXPECT_FALSE(fs.file_exists("/m/saved_model.pb")) << "capacity " << capacity;
      ASSERT_LT(capacity, 1u << 20);
    }
    EXPECT_GT(failures, 10) << "overwrite " << overwrite;
  }
}

constexpr const char* kPythonCheck = R"(
import sys
sys.path.insert(0, sys.argv[1] + "/py")
from cairn.proto import saved_model_pb2
saved = saved_model_pb2.SavedModel()
with open(sys.argv[1] + "/export/saved_model.pb", "rb") as f:
    saved.ParseFromString(f.read())
meta = saved.meta_graphs[0]
sig = meta.signature_def["serving_default"]
ops = sorted({n.op for n in meta.graph_def.node if n.op in ("MatMul", "VariableV2", "Softmax")})
print(saved.saved_model_schema_version, list(meta.meta_info_def.tags), sig.method_name,
      sorted(sig.inputs), sorted(sig.outputs), sig.outputs["class_ids"].name, ops,
      meta.saver_def.filename_tensor_name)
)";

TEST(SavedModelWriterInteropTest, PythonProtobufReadsSavedModelThroughOurProtos) {
  if (auto why = testing::python_protos_unavailable(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  FileSystem& fs = default_file_system();
  ASSERT_TRUE(write_saved_model(fs, dir.path() + "/export", classifier()).ok());
  ASSERT_TRUE(fs.write_file_atomically(dir.path() + "/check.py", kPythonCheck).ok());
  auto gen = testing::compile_python_protos(dir.path() + "/py");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto q = testing::shell_quote;
  auto run =
      testing::run_command("/usr/bin/python3 " + q(dir.path() + "/check.py") + " " + q(dir.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "1 ['serve'] tensorflow/serving/predict ['a', 'b'] ['class_ids', 'logits', "
            "'probabilities'] head/predictions/ExpandDims:0 ['MatMul', 'Softmax', 'VariableV2'] "
            "save/Const:0\n");
}

TEST(SavedModelWriterInteropTest, TfckptReadsTheVariables) {
  auto tools = testing::tools_dir();
  if (!tools) GTEST_SKIP() << testing::kNoSharedMessage;
  if (!testing::python_has_modules("crc32c")) GTEST_SKIP() << "/usr/bin/python3 lacks crc32c";
  testing::TempDir dir;
  ASSERT_TRUE(write_saved_model(default_file_system(), dir.path(), classifier()).ok());
  auto q = testing::shell_quote;
  auto run = testing::run_command("/usr/bin/python3 " + q(*tools + "/tfckpt.py") + " " +
                                  q(dir.path() + "/variables/variables"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "# shards=1 endianness=0 producer=1\n"
            "dnn/hiddenlayer_0/bias\tfloat32\t[4]\tshard=0\tsize=16\tcrc=ok\n"
            "dnn/hiddenlayer_0/kernel\tfloat32\t[3, 4]\tshard=0\tsize=48\tcrc=ok\n"
            "dnn/logits/bias\tfloat32\t[3]\tshard=0\tsize=12\tcrc=ok\n"
            "dnn/logits/kernel\tfloat32\t[4, 3]\tshard=0\tsize=48\tcrc=ok\n");
}

}  // namespace
}  // namespace cairn
