// Sequential::export_model(path, "onnx") for convolutional and recurrent
// models: each exported model runs in ONNX Runtime (onnxruntime-node,
// scripts/interop/onnx_predict.js) and must predict what cairn's predict()
// does; layers and options ONNX exports lack are refused by name.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/keras/layers/border2d.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/depthwise_conv.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/reshape.h"
#include "cairn/keras/layers/wrappers.h"
#include "cairn/keras/model.h"
#include "formats/export/export_test_util.h"
#include "keras/layers/layer_test_util.h"
#include "keras/saving/export_test_util.h"

namespace cairn::keras {
namespace {

using nlohmann::json;
using testing::expect_export_refused;
using testing::sample_input;
using testing::scramble_weights;

// Exports `model` (a Sequential or a functional Model) to ONNX, runs it in
// ONNX Runtime on `x` and compares with predict() (relative 1e-5 in float32,
// 1e-5 absolute near 0).
template <class M>
void expect_onnx_predicts_as_cairn(M& model, const Tensor& x) {
  cairn::testing::TempDir tmp;
  const std::string path = tmp.path() + "/model.onnx", input = tmp.path() + "/input.json";
  model.export_model(path, "onnx");
  const InferenceModel m = model.inference_model();
  std::ofstream(input) << json{{m.input_name, testing::tensor_json(x)}}.dump();
  const json got =
      cairn::testing::run_node_script("onnx_predict.js", cairn::testing::shell_quote(path) + " " +
                                                             cairn::testing::shell_quote(input));
  ASSERT_TRUE(got.is_object()) << got;
  const json& y = got[m.outputs[0].name];
  testing::expect_close_prediction(y["dims"].get<std::vector<int64_t>>(),
                                   y["data"].get<std::vector<double>>(),
                                   testing::single_prediction(model, x), "ONNX Runtime");
}

TEST(OnnxExportTest, CnnWithBatchNormalizationRunsInOnnxRuntime) {
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  set_random_seed(3);
  Sequential model({Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = Shape{9, 9, 2}}),
                    BatchNormalization(), MaxPooling2D({2, 2}), Flatten(),
                    Dense(3, {.activation = "softmax"})});
  scramble_weights(model);
  expect_onnx_predicts_as_cairn(model, sample_input(5, {9, 9, 2}));
}

TEST(OnnxExportTest, DepthwiseSeparableAndPoolingRunInOnnxRuntime) {
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  set_random_seed(4);
  Sequential model({
      Conv2D(4, {3, 3},
             {.strides = {2, 1},
              .padding = "same",
              .use_bias = false,
              .input_shape = Shape{13, 8, 2}}),
      DepthwiseConv2D({3, 3}, {.padding = "same", .depth_multiplier = 2, .activation = "tanh"}),
      SeparableConv2D(3, {2, 2}, {.dilation_rate = {2, 2}, .activation = "elu"}),
      AveragePooling2D({2, 2}, {.strides = {1, 1}, .padding = "same"}),
      BatchNormalization({.center = false}),
      MaxPooling2D({3, 3}, {.strides = {2, 2}, .padding = "same"}),
      Conv2D(2, {2, 2}, {.dilation_rate = {2, 1}}),
      GlobalAveragePooling2D(),
      Dense(2),
  });
  scramble_weights(model);
  expect_onnx_predicts_as_cairn(model, sample_input(4, {13, 8, 2}));
}

TEST(OnnxExportTest, OneDimensionalLayersAndReshapesRunInOnnxRuntime) {
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  set_random_seed(5);
  Sequential model({Conv1D(4, 3, {.activation = "relu", .input_shape = Shape{12, 2}}),
                    MaxPooling1D(2), AveragePooling1D(2, {.padding = "same"}),
                    Conv1D(3, 2, {.strides = {2}, .padding = "same"}), Permute({2, 1}),
                    Dense(5, {.activation = "sigmoid"}), Reshape({5, 3}), GlobalMaxPooling1D(),
                    Dense(2)});
  scramble_weights(model);
  expect_onnx_predicts_as_cairn(model, sample_input(3, {12, 2}));
}

TEST(OnnxExportTest, EmbeddingLstmAndGruRunInOnnxRuntime) {
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  set_random_seed(6);
  Sequential model({Embedding(15, 4, {.input_shape = Shape{7}}),
                    LSTM(5, {.return_sequences = true}), GRU(3, {.return_sequences = true}),
                    GRU(4, {.reset_after = false}), Dense(1, {.activation = "sigmoid"})});
  scramble_weights(model);
  expect_onnx_predicts_as_cairn(model, sample_input(6, {7}, 15));
}

TEST(OnnxExportTest, FunctionalModelWithMergesRunsInOnnxRuntime) {
  CAIRN_REQUIRE_NODE_PACKAGE("onnxruntime-node");
  Model model = testing::branching_model();
  expect_onnx_predicts_as_cairn(model, sample_input(5, {6, 6, 1}));
}

TEST(OnnxExportTest, FunctionalModelsOfSeveralInputsOrSharedLayersAreRefused) {
  KerasTensor a = Input({3}, "a"), b = Input({3}, "b");
  Model two_inputs({a, b}, {Add()({Dense(2)(a), Dense(2)(b)})}, "two_inputs");
  cairn::testing::TempDir tmp;
  EXPECT_THROW(two_inputs.export_model(tmp.path() + "/m.onnx", "onnx"), UnimplementedError);
  KerasTensor x = Input({3}, "x");
  Dense shared(3, {.name = "shared"});
  LayerPtr layer(shared);
  Model twice({x}, {layer(layer(x))});
  try {
    twice.export_model(tmp.path() + "/m.onnx", "onnx");
    ADD_FAILURE() << "a layer called twice was exported";
  } catch (const UnimplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'shared'"), std::string::npos) << e.what();
  }
}

TEST(OnnxExportTest, LayersOnnxExportsLackAreRefusedByName) {
  Sequential masked(
      {Embedding(5, 2, {.mask_zero = true, .input_shape = Shape{3}, .name = "ids"}), LSTM(2)});
  expect_export_refused(masked, "onnx", "ids", "ONNX");
  Sequential bi({Bidirectional(LSTM(2), {.input_shape = Shape{3, 2}, .name = "bi"})});
  expect_export_refused(bi, "onnx", "bi", "ONNX");
  Sequential backwards(
      {LSTM(2, {.go_backwards = true, .input_shape = Shape{3, 2}, .name = "backwards"})});
  expect_export_refused(backwards, "onnx", "backwards", "ONNX");
  Sequential causal(
      {Conv1D(2, 2, {.padding = "causal", .input_shape = Shape{4, 1}, .name = "causal"})});
  expect_export_refused(causal, "onnx", "causal", "ONNX");
  Sequential upsampled({UpSampling2D({.input_shape = Shape{2, 2, 1}, .name = "up"})});
  expect_export_refused(upsampled, "onnx", "up", "ONNX");
  Sequential gelu({Dense(2, {.activation = "gelu", .input_shape = Shape{3}, .name = "g"})});
  expect_export_refused(gelu, "onnx", "g", "ONNX");
}

}  // namespace
}  // namespace cairn::keras
