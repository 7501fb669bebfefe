// The ONNX nodes of the Keras layers an InferenceModel holds as kLayer steps
// (onnx_writer.cc writes the rest). Keras tensors are channels_last (NHWC);
// ONNX's Conv, pooling and BatchNormalization are channels-first (NCHW), so
// each such layer transposes its input to channels-first and its result back
// (the values between layers stay in Keras's layout, so Flatten, Reshape and
// Dense see what they see in Keras).
//
//   CAIRN_ASSIGN_OR_RETURN(std::string y,
//                          internal::add_onnx_layer(g, step, config, input_shape, x));
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/formats/export/inference_model.h"
#include "formats/export/onnx_graph.h"

namespace cairn::internal {

// Adds the nodes computing kLayer `step` (its Keras `config`, the "config"
// of its layer in the model's Keras config) on the value `x` of shape
// [batch, input_shape...]; returns the result's name. Takes Dense (on N-d
// inputs), Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling1D/2D,
// AveragePooling1D/2D, GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D,
// BatchNormalization (last axis), Reshape, Permute, Embedding (without
// mask_zero), LSTM and GRU (default activations, not go_backwards), with the
// activations linear, relu, tanh, sigmoid, elu and softmax. UNIMPLEMENTED
// naming the layer and ONNX for any other layer or option.
Result<std::string> add_onnx_layer(OnnxGraph& g, const InferenceStep& step,
                                   const nlohmann::json& config,
                                   const std::vector<int64_t>& input_shape, const std::string& x);

// Adds the merge `step` (Add, Subtract, Multiply, Average, Maximum,
// Concatenate, its Keras `config`) of the values `inputs`; returns the
// result's name. UNIMPLEMENTED naming the layer and ONNX for another layer.
Result<std::string> add_onnx_merge(OnnxGraph& g, const InferenceStep& step,
                                   const nlohmann::json& config,
                                   const std::vector<std::string>& inputs);

// Shared by the files of ONNX layers (onnx_layers.cc, onnx_recurrent.cc):
// the LSTM or GRU `step` on x [batch, steps, features];
Result<std::string> add_onnx_recurrent(OnnxGraph& g, const InferenceStep& step,
                                       const nlohmann::json& config, const std::string& x);
// UNIMPLEMENTED: `step` cannot be exported to ONNX, because `what`;
Status onnx_refusal(const InferenceStep& step, const std::string& what);
// the weight of `step` whose Keras name ends in "/<suffix>", or null;
const Tensor* onnx_weight(const InferenceStep& step, const std::string& suffix);
// a Transpose node named `name` of `x`.
std::string onnx_transpose(OnnxGraph& g, const std::string& name, const std::string& x,
                           const std::vector<int64_t>& perm);

}  // namespace cairn::internal
