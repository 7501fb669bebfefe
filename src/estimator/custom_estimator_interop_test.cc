// A custom Estimator's files read by readers cairn did not write: Python's
// protobuf (through our .proto declarations) parses graph.pbtxt and the
// .meta, whose graph has TensorFlow's ops for the Dense layers and a saver
// of every checkpoint variable; ../shared/tools/tfckpt.py and tfevents.py
// read the checkpoint and the event files; and the SavedModel export serves
// what predict() gives.
#include <gtest/gtest.h>

#include "cairn/serving/saved_model_runner.h"
#include "estimator/custom_estimator_test_util.h"

namespace cairn::estimator {
namespace {

using cairn::testing::run_command;
using cairn::testing::shell_quote;

constexpr const char* kCustomGraphCheck = R"(
import json, sys
sys.path.insert(0, sys.argv[1] + "/py")
from google.protobuf import text_format
from cairn.proto import graph_pb2, meta_graph_pb2
d = sys.argv[1]
with open(d + "/graph.pbtxt") as f:
    graph = text_format.Parse(f.read(), graph_pb2.GraphDef())
meta = meta_graph_pb2.MetaGraphDef()
with open(d + "/model.ckpt-20.meta", "rb") as f:
    meta.ParseFromString(f.read())
record = json.loads(meta.collection_def["cairn_custom_model"].bytes_list.value[0])
ops = {n.name: n.op for n in graph.node}
variables = sorted(n.name for n in graph.node if n.op == "VariableV2")
print(ops["dense/MatMul"], ops["dense/Relu"], ops["dense_2/BiasAdd"], len(variables),
      record["head"]["loss"]["kind"], [l["class_name"] for l in record["model"]["layers"]],
      len(meta.collection_def["trainable_variables"].bytes_list.value),
      meta.saver_def.restore_op_name)
)";

class CustomEstimatorInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EstimatorOptions options = testing::custom_iris_options(tmp_.path());
    options.config.save_summary_steps = 5;
    options.config.log_step_count_steps = 5;
    classifier_.emplace(testing::iris_model_fn, options);
    classifier_->train(testing::custom_train_input_fn(), {.steps = 20});
    classifier_->evaluate(testing::custom_eval_input_fn());
  }
  cairn::testing::TempDir tmp_;
  std::optional<Estimator> classifier_;
};

TEST_F(CustomEstimatorInteropTest, PythonProtobufReadsTheGraphAndTheRecordedModel) {
  if (auto why = cairn::testing::python_protos_unavailable(); !why.empty()) GTEST_SKIP() << why;
  ASSERT_TRUE(default_file_system()
                  .write_file_atomically(tmp_.path() + "/check.py", kCustomGraphCheck)
                  .ok());
  auto gen = cairn::testing::compile_python_protos(tmp_.path() + "/py");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto run = run_command("/usr/bin/python3 " + shell_quote(tmp_.path() + "/check.py") + " " +
                         shell_quote(tmp_.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // 6 weights, their 6 Adagrad slots and global_step; 6 trainable.
  EXPECT_EQ(run.out,
            "MatMul Relu BiasAdd 13 sparse_softmax_cross_entropy ['InputLayer', 'Dense', "
            "'Dense', 'Dense'] 6 save/restore_all\n");
}

TEST_F(CustomEstimatorInteropTest, TfckptAndTfeventsReadTheCheckpointAndEvents) {
  auto tools = cairn::testing::tools_dir();
  if (!tools) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  if (!cairn::testing::python_has_modules("crc32c")) GTEST_SKIP() << "python3-crc32c missing";
  auto ckpt = run_command("/usr/bin/python3 " + shell_quote(*tools + "/tfckpt.py") + " " +
                          shell_quote(tmp_.path() + "/model.ckpt-20"));
  EXPECT_EQ(ckpt.exit_code, 0) << ckpt.out << ckpt.err;
  EXPECT_EQ(ckpt.out.find("crc=False"), std::string::npos) << ckpt.out;
  EXPECT_NE(ckpt.out.find("dense_1/kernel/Adagrad\tfloat32\t[10, 10]"), std::string::npos)
      << ckpt.out;
  for (const std::string& sub : {std::string(""), std::string("/eval")}) {
    for (const auto& name : testing::listing(tmp_.path() + sub)) {
      if (!name.starts_with("events.out.tfevents.")) continue;
      auto ev = run_command("/usr/bin/python3 " + shell_quote(*tools + "/tfevents.py") + " " +
                            shell_quote(tmp_.path() + sub + "/" + name));
      EXPECT_EQ(ev.exit_code, 0) << ev.out << ev.err;
      EXPECT_NE(ev.out.find(sub.empty() ? "global_step/sec" : "accuracy"), std::string::npos)
          << ev.out;
    }
  }
}

TEST_F(CustomEstimatorInteropTest, SavedModelServesWhatPredictGives) {
  const std::string exported = classifier_->export_saved_model(tmp_.path() + "/export");
  serving::SavedModel served = serving::SavedModel::load(exported);
  const CsvInput& test = testing::iris_test();
  std::map<std::string, Tensor> inputs;
  const std::vector<std::string> keys = {"PetalLength", "PetalWidth", "SepalLength", "SepalWidth"};
  const std::map<std::string, int> csv_column = {
      {"SepalLength", 0}, {"SepalWidth", 1}, {"PetalLength", 2}, {"PetalWidth", 3}};
  for (const std::string& key : keys) {
    Tensor column(DType::kFloat32, {30, 1});
    for (int r = 0; r < 30; ++r) column.flat<float>()[r] = test.features(r, csv_column.at(key));
    inputs[key] = column;
  }
  std::map<std::string, Tensor> out = served.run("serving_default", inputs);
  const std::vector<Prediction> predicted = classifier_->predict(testing::custom_eval_input_fn());
  ASSERT_EQ(predicted.size(), 30u);
  for (size_t r = 0; r < 30; ++r) {
    EXPECT_EQ(out.at("class_ids").flat<int64_t>()[r], predicted[r].class_id) << r;
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_NEAR(out.at("logits").flat<float>()[r * 3 + c], predicted[r].logits[c], 1e-5);
      EXPECT_NEAR(out.at("probabilities").flat<float>()[r * 3 + c], predicted[r].probabilities[c],
                  1e-6);
    }
  }
}

}  // namespace
}  // namespace cairn::estimator
