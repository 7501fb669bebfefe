// Sequential::export_model(dir, "tfjs") for models beyond Dense stacks: each
// exported model is loaded by @tensorflow/tfjs itself (tf.loadLayersModel
// with strict weight matching, scripts/interop/tfjs_predict.js) and must
// predict what cairn's predict() does; layers TF.js lacks are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/advanced_activations.h"
#include "cairn/keras/layers/border2d.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/depthwise_conv.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/keras/layers/noise.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/reshape.h"
#include "cairn/keras/layers/wrappers.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "formats/export/export_test_util.h"
#include "keras/layers/layer_test_util.h"
#include "keras/saving/export_test_util.h"

namespace cairn::keras {
namespace {

using nlohmann::json;
using testing::expect_export_refused;
using testing::sample_input;
using testing::scramble_weights;

// Exports `model` for TF.js, loads it there and compares its predictions for
// `x` with predict() (relative 1e-5 in float32, 1e-6 absolute near 0).
template <class M>
void expect_tfjs_predicts_as_cairn(M& model, const Tensor& x) {
  cairn::testing::TempDir tmp;
  const std::string dir = tmp.path() + "/tfjs", input = tmp.path() + "/input.json";
  model.export_model(dir, "tfjs");
  std::ofstream(input) << testing::tensor_json(x).dump();
  const json got =
      cairn::testing::run_node_script("tfjs_predict.js", cairn::testing::shell_quote(dir) + " " +
                                                             cairn::testing::shell_quote(input));
  ASSERT_TRUE(got.is_object()) << got;
  testing::expect_close_prediction(got["dims"].get<std::vector<int64_t>>(),
                                   got["data"].get<std::vector<double>>(),
                                   testing::single_prediction(model, x), "TF.js");
}

TEST(TfjsExportTest, CnnWithBatchNormalizationPredictsAsInTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  set_random_seed(3);
  Sequential model({Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = Shape{9, 9, 2}}),
                    BatchNormalization(), MaxPooling2D({2, 2}), Flatten(),
                    Dense(3, {.activation = "softmax"})});
  scramble_weights(model);
  expect_tfjs_predicts_as_cairn(model, sample_input(5, {9, 9, 2}));
}

TEST(TfjsExportTest, EveryImageLayerPredictsAsInTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  set_random_seed(4);
  Sequential model({
      ZeroPadding2D({.padding = {1, 1, 1, 1}, .input_shape = Shape{8, 8, 2}}),
      Conv2D(4, {3, 3}, {.strides = {2, 2}, .padding = "same", .activation = "gelu"}),
      DepthwiseConv2D({3, 3}, {.padding = "same", .depth_multiplier = 2}),
      SeparableConv2D(4, {2, 2}, {.activation = "tanh"}),
      PReLU({.shared_axes = {1, 2}}),
      UpSampling2D({.size = {2, 2}}),
      Cropping2D({.cropping = {0, 1, 1, 0}}),
      AveragePooling2D({2, 2}, {.padding = "same"}),
      LayerNormalization(),
      GlobalMaxPooling2D(),
      Dense(2, {.activation = "swish"}),
  });
  scramble_weights(model);
  expect_tfjs_predicts_as_cairn(model, sample_input(4, {8, 8, 2}));
}

TEST(TfjsExportTest, EmbeddingLstmPredictsAsInTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  set_random_seed(5);
  Sequential model({Embedding(12, 4, {.mask_zero = true, .input_shape = Shape{7}}), LSTM(5),
                    Dense(1, {.activation = "sigmoid"})});
  scramble_weights(model);
  expect_tfjs_predicts_as_cairn(model, sample_input(6, {7}, 12));
}

TEST(TfjsExportTest, GruWithoutResetAfterPredictsAsInTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  set_random_seed(6);
  Sequential model(
      {GRU(4, {.return_sequences = true, .reset_after = false, .input_shape = Shape{6, 3}}),
       TimeDistributed(Dense(2)), SimpleRNN(3)});
  scramble_weights(model);
  expect_tfjs_predicts_as_cairn(model, sample_input(5, {6, 3}));
}

TEST(TfjsExportTest, BidirectionalAndSequenceLayersPredictAsInTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  set_random_seed(7);
  Sequential model({Conv1D(4, 3, {.activation = "relu", .input_shape = Shape{10, 2}}),
                    MaxPooling1D(2), Bidirectional(LSTM(3, {.return_sequences = true})),
                    Bidirectional(GRU(2, {.reset_after = false}), {.merge_mode = "sum"}),
                    RepeatVector(3), Permute({2, 1}), GlobalAveragePooling1D(), Dense(2)});
  scramble_weights(model);
  expect_tfjs_predicts_as_cairn(model, sample_input(4, {10, 2}));
}

TEST(TfjsExportTest, FunctionalModelWithMergesPredictsAsInTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  Model model = testing::branching_model();
  expect_tfjs_predicts_as_cairn(model, sample_input(5, {6, 6, 1}));
}

TEST(TfjsExportTest, ExportedWeightsCarryTensorFlowJsNames) {
  clear_session();
  Sequential model({Bidirectional(LSTM(2), {.input_shape = Shape{3, 2}}), BatchNormalization()});
  cairn::testing::TempDir tmp;
  model.export_model(tmp.path() + "/m", "tfjs");
  std::ifstream in(tmp.path() + "/m/model.json");
  const json manifest = json::parse(in)["weightsManifest"][0]["weights"];
  std::vector<std::string> names;
  for (const json& w : manifest) names.push_back(w["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "bidirectional/forward_lstm/kernel",
                       "bidirectional/forward_lstm/recurrent_kernel",
                       "bidirectional/forward_lstm/bias",
                       "bidirectional/backward_lstm/kernel",
                       "bidirectional/backward_lstm/recurrent_kernel",
                       "bidirectional/backward_lstm/bias",
                       "batch_normalization/gamma",
                       "batch_normalization/beta",
                       "batch_normalization/moving_mean",
                       "batch_normalization/moving_variance",
                   }));
}

TEST(TfjsExportTest, LayersTensorFlowJsLacksAreRefusedByName) {
  Sequential gru({GRU(3, {.reset_after = true, .input_shape = Shape{4, 2}, .name = "gru_after"})});
  expect_export_refused(gru, "tfjs", "gru_after", "TensorFlow.js");
  Sequential wrapped(
      {Bidirectional(GRU(3, {.name = "inner"}), {.input_shape = Shape{4, 2}, .name = "bi"})});
  expect_export_refused(wrapped, "tfjs", "inner", "TensorFlow.js");
  Sequential spatial(
      {Conv2D(2, {2, 2}, {.input_shape = Shape{4, 4, 1}}), SpatialDropout2D(0.5, "drop2d")});
  expect_export_refused(spatial, "tfjs", "drop2d", "TensorFlow.js");
  Sequential relu(
      {Dense(2, {.input_shape = Shape{3}}), ReLU({.negative_slope = 0.1, .name = "leaky"})});
  expect_export_refused(relu, "tfjs", "leaky", "TensorFlow.js");
  Sequential exponential(
      {Dense(2, {.activation = "exponential", .input_shape = Shape{3}, .name = "exp_dense"})});
  expect_export_refused(exponential, "tfjs", "exp_dense", "TensorFlow.js");
}

}  // namespace
}  // namespace cairn::keras
