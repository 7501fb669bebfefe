// What TensorFlow.js (tfjs-layers 4) makes of a Keras layer config: the
// spellings it reads, the layers and options it lacks, and the names it gives
// a layer's weights when tf.loadLayersModel matches them to the manifest.
//
//   CAIRN_RETURN_IF_ERROR(internal::tfjs_layer_config(layer_json));
//   std::string name = internal::tfjs_weight_name("Bidirectional", "bidirectional",
//                          "bidirectional/forward_lstm/lstm_cell/kernel");
//   // "bidirectional/forward_lstm/kernel"
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cairn/core/status.h"

namespace cairn::internal {

// Rewrites `layer` ({"class_name": ..., "config": {...}}, and the layer a
// Bidirectional or TimeDistributed wraps) into the spellings TF.js reads:
// Keras 3's "batch_shape" and dtype policies as Keras 2's, the activation
// "silu" as its other name "swish". UNIMPLEMENTED naming the layer and
// TensorFlow.js for a layer TF.js lacks (Subtract, SpatialDropout2D) or an
// option it lacks or would silently ignore: GRU(reset_after=true), the
// activations exponential, leaky_relu and gelu_new, ReLU's negative_slope and
// threshold, ELU's alpha other than 1, Softmax on an axis other than the
// last, global pooling's keepdims, Conv1D's causal padding and a
// DepthwiseConv2D's dilation.
Status tfjs_layer_config(nlohmann::json& layer);

// Keras 3's spellings of a model config's own fields, as tfjs_layer_config.
void rewrite_keras3_config(nlohmann::json& config);

// The name TF.js gives the weight that Keras names `keras_name` in the layer
// `layer_name` of class `class_name`: "<layer>/<weight>" for every layer,
// including an RNN (Keras's "lstm/lstm_cell/kernel" is "lstm/kernel") and a
// TimeDistributed (its inner layer's weights); a Bidirectional keeps its
// forward_/backward_ layer between ("bidirectional/forward_lstm/kernel").
// INVALID_ARGUMENT when a Bidirectional's weight has no such part.
Result<std::string> tfjs_weight_name(const std::string& class_name, const std::string& layer_name,
                                     const std::string& keras_name);

}  // namespace cairn::internal
