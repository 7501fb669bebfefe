// Sequential::export_model(dir, "saved_model") for CNNs: the graph holds
// TensorFlow's ops (Conv2D, BiasAdd, FusedBatchNormV3, MaxPool, AvgPool,
// Mean, Max, Reshape), cairn's own SavedModel runner (serving) runs it, and
// it must predict what predict() does; layers it cannot express are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/io/file_system.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/reshape.h"
#include "cairn/serving/saved_model_runner.h"
#include "keras/saving/export_test_util.h"

namespace cairn::keras {
namespace {

using testing::expect_export_refused;
using testing::sample_input;
using testing::scramble_weights;

// The op types of the exported graph's nodes.
std::set<std::string> graph_ops(const std::string& dir) {
  std::set<std::string> ops;
  const tensorflow::SavedModel saved = read_saved_model_proto(default_file_system(), dir).value();
  for (const auto& node : saved.meta_graphs(0).graph_def().node()) ops.insert(node.op());
  return ops;
}

void expect_runner_predicts_as_cairn(Sequential& model, const Tensor& x,
                                     const std::set<std::string>& ops) {
  cairn::testing::TempDir tmp;
  const std::string dir = tmp.path() + "/export";
  model.export_model(dir, "saved_model");
  const InferenceModel m = model.inference_model();
  serving::SavedModel served = serving::SavedModel::load(dir);
  const Tensor got = served.run("serving_default", {{m.input_name, x}}).at(m.outputs[0].name);
  testing::expect_close_prediction(
      got.shape().dims(), std::vector<double>(got.flat<float>().begin(), got.flat<float>().end()),
      model.predict(x), "the SavedModel runner");
  const std::set<std::string> in_graph = graph_ops(dir);
  for (const std::string& op : ops) EXPECT_TRUE(in_graph.contains(op)) << op;
}

TEST(SavedModelCnnExportTest, CnnRunsInTheSavedModelRunner) {
  set_random_seed(3);
  Sequential model({Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = Shape{9, 9, 2}}),
                    BatchNormalization(), MaxPooling2D({2, 2}), Flatten(),
                    Dense(3, {.activation = "softmax"})});
  scramble_weights(model);
  expect_runner_predicts_as_cairn(model, sample_input(5, {9, 9, 2}),
                                  {"Conv2D", "BiasAdd", "FusedBatchNormV3", "MaxPool", "Reshape"});
}

TEST(SavedModelCnnExportTest, StridesPaddingDilationAndGlobalPoolingRunInTheRunner) {
  set_random_seed(4);
  Sequential model({
      Conv2D(4, {3, 3},
             {.strides = {2, 1},
              .padding = "same",
              .use_bias = false,
              .input_shape = Shape{11, 8, 2}}),
      AveragePooling2D({2, 2}, {.strides = {1, 1}, .padding = "same"}),
      BatchNormalization({.epsilon = 0.01, .center = false}),
      Conv2D(3, {2, 2}, {.dilation_rate = {2, 1}, .activation = "tanh"}),
      MaxPooling2D({3, 3}, {.strides = {2, 2}, .padding = "same"}),
      Reshape({2, 4, 3}),
      GlobalMaxPooling2D(),
      Dense(2, {.activation = "elu"}),
  });
  scramble_weights(model);
  expect_runner_predicts_as_cairn(model, sample_input(4, {11, 8, 2}),
                                  {"Conv2D", "AvgPool", "FusedBatchNormV3", "MaxPool", "Max"});
}

TEST(SavedModelCnnExportTest, LayersTheSavedModelExportLacksAreRefusedByName) {
  Sequential lstm({LSTM(2, {.input_shape = Shape{3, 2}, .name = "seq"})});
  expect_export_refused(lstm, "saved_model", "seq", "SavedModel");
  Sequential flat_bn({Dense(3, {.input_shape = Shape{4}}), BatchNormalization({.name = "bn"})});
  expect_export_refused(flat_bn, "saved_model", "bn", "SavedModel");
  Sequential conv1d({Conv1D(2, 2, {.input_shape = Shape{4, 1}, .name = "c1"})});
  expect_export_refused(conv1d, "saved_model", "c1", "SavedModel");
}

}  // namespace
}  // namespace cairn::keras
