// InferenceModel: a trained feed-forward model reduced to what serving needs
// (the layers' weights and activations, the input and output names), so the
// exporters (SavedModel, ONNX, TensorFlow.js) never see an Estimator or a
// Keras model. Keras's Sequential::inference_model() and an Estimator's
// inference_model() produce one; the exporters consume it.
//
//   cairn::InferenceModel m;
//   m.input_name = "dense_input";
//   m.input_shape = {4};
//   m.steps.push_back({.kind = cairn::InferenceStep::Kind::kDense, .name = "dense",
//                      .kernel = w /*[4, 10]*/, .bias = b /*[10]*/, .activation = "relu"});
//   m.steps.push_back({.kind = cairn::InferenceStep::Kind::kDense, .name = "dense_1",
//                      .kernel = w1, .bias = b1, .activation = "softmax"});
//   m.outputs = {{"dense_1", cairn::InferenceOutput::Kind::kActivations}};
//
// Every tensor is float32. Dropout is left out: it does nothing at inference.
//
// Layers the steps above do not describe (Conv2D, LSTM, BatchNormalization,
// ...) are kLayer steps: the layer's Keras class, its output shape and its
// weights under their Keras names, its settings read from keras_model_config.
// TensorFlow.js rebuilds such a layer from keras_model_config; ONNX and
// SavedModel write the layers they model (src/formats/export/onnx_layers.h,
// saved_model_graph.h). A layer or option a format cannot express is an
// UNIMPLEMENTED error naming the layer and the format.
//
//   m.steps.push_back({.kind = cairn::InferenceStep::Kind::kLayer, .name = "conv2d",
//                      .class_name = "Conv2D", .output_shape = {26, 26, 8},
//                      .weights = {{"conv2d/kernel", k}, {"conv2d/bias", b}}});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/tensor.h"

namespace cairn {

// A weight of a kLayer step under its Keras name: "<layer>/<weight>", with
// the cell's or the wrapped layer's scopes between as Keras names them
// ("lstm/lstm_cell/kernel", "bidirectional/forward_lstm/lstm_cell/bias").
struct InferenceWeight {
  std::string name;
  Tensor value;  // float32
};

// One step of the forward pass, applied to the previous step's output or,
// in a functional model's graph, to the outputs named by `inputs`.
struct InferenceStep {
  enum class Kind {
    kDense,       // y = activation(x · kernel + bias)
    kActivation,  // y = activation(x)
    kFlatten,     // [batch, d1, d2, ...] -> [batch, d1*d2*...]
    kLayer,       // any other Keras layer, described by class_name and weights
  };
  Kind kind = Kind::kDense;
  std::string name;  // the layer's name ("dense_1"); exporters name nodes after it
  Tensor kernel;     // kDense: float32 [inputs, units]
  Tensor bias;       // kDense: float32 [units], or an empty Tensor() when the layer has none
  // "linear", "relu", "tanh", "sigmoid", "elu" or "softmax" (softmax over the
  // last axis).
  std::string activation = "linear";
  // kLayer: the Keras class ("Conv2D"), the output's shape without the batch
  // dimension, and the layer's weights in Keras's order (trainable first).
  std::string class_name;
  std::vector<int64_t> output_shape;
  std::vector<InferenceWeight> weights;
  // The names of the steps (or of the model's input) whose outputs this step
  // reads, in order: several for a merge (Add, Concatenate, ...). Empty: the
  // previous step's output (the model's input for the first step). The
  // model's result is the last step's output. TensorFlow.js and ONNX exports
  // take such graphs; SavedModel exports take chains only.
  std::vector<std::string> inputs;

  bool has_bias() const { return bias.num_elements() > 0; }
};

// What the model returns, computed from the last step's output `y`.
struct InferenceOutput {
  enum class Kind {
    kActivations,    // y itself (Keras: the last layer's output)
    kLogits,         // y itself, named for an Estimator head
    kProbabilities,  // softmax(y); with binary_head: [1 - sigmoid(y), sigmoid(y)]
    kLogistic,       // sigmoid(y) (binary classifiers)
    kClassIds,       // int64 [batch, 1]: argmax of y (binary: y > 0)
  };
  std::string name;  // the signature's output name ("probabilities", "dense_1")
  Kind kind = Kind::kActivations;
};

struct InferenceModel {
  std::string name = "model";  // "sequential", "dnn", ...
  // The model's single input: float32 [batch, input_shape...].
  std::string input_name = "input";
  std::vector<int64_t> input_shape;
  // Estimators: the feature columns that make up the input, in the order
  // their values sit in it (sorted by key, as TensorFlow's input layer
  // concatenates them), each `feature_widths[i]` wide. Empty for Keras
  // models. A SavedModel takes one input per feature; ONNX and TensorFlow.js
  // take the concatenated input and record the order in their metadata.
  std::vector<std::string> feature_names;
  std::vector<int64_t> feature_widths;
  // Estimators: the feature keys in the order the training data declared
  // them (its CSV columns), which is how `cairn predict` lays out rows for
  // a SavedModel's per-feature inputs. Recorded in saved_model.pb as the
  // collection kFeatureColumnsCollection.
  std::vector<std::string> column_order;
  std::vector<InferenceStep> steps;
  std::vector<InferenceOutput> outputs;
  // A binary classifier's logits are one column (see InferenceOutput).
  bool binary_head = false;
  // The Keras model config (JSON text, {"class_name": "Sequential", ...})
  // that rebuilds these layers: TensorFlow.js's modelTopology. Estimators get
  // an equivalent Sequential config.
  std::string keras_model_config;
  // Keras models (false for Estimators): a SavedModel export records
  // keras_model_config as assets/saved_model.json, as TF 1.x's
  // tf.contrib.saved_model.save_keras_model did, and keras_training_config
  // (compile()'s, as Keras 2 writes training_config; empty when the model is
  // not compiled) as assets/cairn_training_config.json, so that
  // keras::load_model(dir) rebuilds a trainable model
  // (cairn/formats/export/keras_saved_metadata.h).
  bool is_keras_model = false;
  std::string keras_training_config;

  // Width of the input once flattened (the product of input_shape).
  int64_t input_width() const {
    int64_t width = 1;
    for (int64_t d : input_shape) width *= d;
    return width;
  }
};

}  // namespace cairn
