// Test-only: TensorFlow.js (scripts/interop/tfjs_layers.js) as the
// independent oracle of cairn's Keras layers. A case is a Sequential model
// [Input(input_shape), layers...] built by cairn with random weights; TF.js
// builds the same model from cairn's config (tf.models.modelFromJSON) and
// weights (setWeights) and the two must agree on
//   - the outputs of a forward pass (1e-5 relative),
//   - the gradients of sum(y * r) for a random r, with respect to the input
//     and to every trainable weight (1e-4 relative),
//   - every weight after one SGD train step on the mean squared error
//     (1e-5 relative; Sequential::train_on_batch against model.trainOnBatch).
// Each test collects its cases and runs node once.
//
//   keras::testing::TfjsLayerOracle tfjs;
//   const size_t k = tfjs.add({.layers = {keras::Dense(3)}, .input_shape = {4}});
//   ASSERT_TRUE(tfjs.run());
//   tfjs.expect_matches(k);
//
// The cairn side runs the layers as Sequential does (masks handed from
// layer to layer through the Layer mask hooks), so a case of several layers
// (Embedding(mask_zero) then LSTM) checks what passes between them too.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/sequential.h"
#include "formats/export/export_test_util.h"
#include "keras/saving/model_config.h"
#include "keras/tensor_rows.h"

namespace cairn::keras::testing {

// What the oracles of layers and of functional models share.

inline nn::Matrix uniform(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng,
                          float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  nn::Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
  return m;
}

inline Json tensor_json(const Tensor& t) {
  Json data = Json::array();
  for (int64_t i = 0; i < t.num_elements(); ++i) data.push_back(t.element_as_double(i));
  return {{"dims", t.shape().dims()}, {"data", std::move(data)}};
}

// `got` has `want`'s shape and values within `tolerance` relative (absolute near zero).
inline void expect_near(const Tensor& got, const Json& want, double tolerance,
                        const std::string& what) {
  ASSERT_EQ(got.shape().dims(), want["dims"].get<std::vector<int64_t>>()) << what << ": shape";
  int reported = 0;
  for (int64_t i = 0; i < got.num_elements(); ++i) {
    const double w = want["data"][static_cast<size_t>(i)].get<double>();
    const double g = got.element_as_double(i);
    if (std::abs(g - w) <= tolerance * std::max(1.0, std::abs(w))) continue;
    ADD_FAILURE() << what << " element " << i << ": cairn " << g << ", TF.js " << w;
    if (++reported == 5) return;
  }
}

// The run and the comparisons both oracles share: cases collected as
// requests to tfjs_layers.js, cairn's side kept per case, one node run.
class TfjsOracle {
 public:
  // Runs node on every case. False when node, tfjs or the script failed
  // (the test has then failed, or skips when node is not installed: call
  // through ASSERT_TRUE after CAIRN_REQUIRE_NODE_PACKAGE).
  bool run() {
    const std::string path = dir_.path() + "/tfjs_cases.json";
    std::ofstream(path) << requests_.dump();
    results_ = cairn::testing::run_node_script("tfjs_layers.js", cairn::testing::shell_quote(path));
    const bool ok = results_.is_array() && results_.size() == requests_.size();
    EXPECT_TRUE(ok) << "tfjs_layers.js gave no result per case";
    return ok;
  }

  void expect_matches(size_t k, double forward_tolerance = 1e-5, double gradient_tolerance = 1e-4,
                      double step_tolerance = 1e-5) const {
    const Json& want = results_[k];
    const Side& got = sides_[k];
    const std::string what = "case " + std::to_string(k) + " (" + got.description + ")";
    ASSERT_FALSE(want.contains("error")) << what << ": TF.js refused it:\n" << want["error"];
    ASSERT_EQ(got.outputs.size(), want["outputs"].size()) << what << ": outputs";
    for (size_t i = 0; i < got.outputs.size(); ++i) {
      expect_near(got.outputs[i], want["outputs"][i], forward_tolerance,
                  what + " output " + std::to_string(i));
    }
    if (!got.gradients) return;
    for (size_t i = 0; i < got.input_gradients.size(); ++i) {
      ASSERT_LT(i, want["input_gradients"].size()) << what << ": input gradients";
      expect_near(got.input_gradients[i], want["input_gradients"][i], gradient_tolerance,
                  what + " gradient of input " + std::to_string(i));
    }
    ASSERT_EQ(got.weight_gradients.size(), want["weight_gradients"].size())
        << what << ": trainable weights";
    for (size_t i = 0; i < got.weight_gradients.size(); ++i) {
      expect_near(got.weight_gradients[i], want["weight_gradients"][i], gradient_tolerance,
                  what + " gradient of trainable weight " + std::to_string(i));
    }
    ASSERT_EQ(got.after_step.size(), want["after_step"].size()) << what << ": layers after a step";
    for (size_t l = 0; l < got.after_step.size(); ++l) {
      const Json& layer = want["after_step"][l];
      ASSERT_EQ(got.after_step[l].size(), layer["values"].size()) << what << " " << layer["layer"];
      for (size_t i = 0; i < got.after_step[l].size(); ++i) {
        expect_near(
            got.after_step[l][i], layer["values"][i], step_tolerance,
            what + " weight " + layer["names"][i].get<std::string>() + " after one SGD step");
      }
    }
  }

 protected:
  // cairn's side of a case.
  struct Side {
    std::vector<Tensor> outputs;
    std::vector<Tensor> input_gradients;  // none compared when empty (integer inputs)
    std::vector<Tensor> weight_gradients;
    std::vector<std::vector<Tensor>> after_step;  // per layer with weights
    bool gradients = true;                        // false: the forward pass alone
    std::string description;
  };

  size_t add_case(Json request, Side side) {
    requests_.push_back(std::move(request));
    sides_.push_back(std::move(side));
    return sides_.size() - 1;
  }

  // [{"layer": name, "values": [...]}] for each layer with weights.
  static Json layer_weights_json(const BaseModel& model) {
    Json out = Json::array();
    for (const LayerPtr& layer : model.layers()) {
      if (layer->weights().empty()) continue;
      Json values = Json::array();
      for (nn::Variable* w : layer->weights()) values.push_back(tensor_json(w->value));
      out.push_back({{"layer", layer->name()}, {"values", std::move(values)}});
    }
    return out;
  }

  // The weights of each layer with weights, as after_step holds them.
  static std::vector<std::vector<Tensor>> weights_per_layer(const BaseModel& model) {
    std::vector<std::vector<Tensor>> out;
    for (const LayerPtr& layer : model.layers()) {
      if (layer->weights().empty()) continue;
      std::vector<Tensor>& values = out.emplace_back();
      for (nn::Variable* w : layer->weights()) values.push_back(w->value);
    }
    return out;
  }

 private:
  Json requests_ = Json::array();
  std::vector<Side> sides_;
  Json results_;
  cairn::testing::TempDir dir_;
};

struct LayerCase {
  std::vector<LayerPtr> layers;  // unbuilt; built by add() behind an Input
  Shape input_shape;             // one sample's shape, without the batch
  int batch = 2;
  // Forward and gradients in training mode (BatchNormalization's batch
  // statistics). Layers that draw random numbers in training (Dropout,
  // GaussianNoise) cannot be compared there: leave false and train_step off.
  bool training = false;
  // Inputs uniform in [input_low, input_high); `integer_inputs` floors them
  // (ids for an Embedding: then no input gradient is compared).
  float input_low = -1.0f, input_high = 1.0f;
  bool integer_inputs = false;
  std::optional<nn::Matrix> inputs;  // [batch, prod(input_shape)], instead of random ones
  // Trainable weights are set uniform in [-weight_scale, weight_scale) and
  // non-trainable ones in [0.5, 1.5) (positive: a moving variance) before
  // the comparison, so biases and statistics take part.
  float weight_scale = 0.5f;
  bool train_step = true;
  // False compares the forward pass only (leave train_step off too): TF.js
  // cannot differentiate some ops (convolutions with dilation_rate > 1).
  bool gradients = true;
  double learning_rate = 0.1;
  uint64_t seed = 1;
};

class TfjsLayerOracle : public TfjsOracle {
 public:
  // Builds the case's model and computes cairn's side now; returns the
  // case's index for expect_matches().
  size_t add(LayerCase c) {
    Side side;
    std::mt19937_64 rng(c.seed);
    Sequential model = build_model(c);
    randomize_weights(model, c, rng);
    const nn::Matrix x = c.inputs ? *c.inputs : random_rows(c, rng);
    const nn::Matrix y = forward(model, x, c.training, rng);
    const Shape out_shape = model.layers().back()->output_shape();
    side.outputs = {internal::tensor_of(y, out_shape)};
    const nn::Matrix r = uniform(y.rows(), y.cols(), rng);
    const nn::Matrix dx = backward(model, r);
    if (!c.integer_inputs) side.input_gradients = {internal::tensor_of(dx, c.input_shape)};
    for (nn::Variable* w : model.weights()) {
      if (w->trainable) side.weight_gradients.push_back(w->gradient);
    }
    Json request{{"model", internal::model_config_json(model)},
                 {"weights", layer_weights_json(model)},
                 {"inputs", {tensor_json(internal::tensor_of(x, c.input_shape))}},
                 {"r", {tensor_json(internal::tensor_of(r, out_shape))}},
                 {"training", c.training},
                 {"input_gradients", !c.integer_inputs && c.gradients},
                 {"weight_gradients", c.gradients},
                 {"step", nullptr}};
    side.gradients = c.gradients;
    if (c.train_step) {
      const nn::Matrix target = uniform(y.rows(), y.cols(), rng);
      request["step"] = {{"learning_rate", c.learning_rate},
                         {"targets", {tensor_json(internal::tensor_of(target, out_shape))}}};
      model.compile({.optimizer = SGD{.learning_rate = c.learning_rate}, .loss = "mse"});
      model.train_on_batch(internal::tensor_of(x, c.input_shape),
                           internal::tensor_of(target, out_shape));
      side.after_step = weights_per_layer(model);
    }
    side.description = describe(model);
    return add_case(std::move(request), std::move(side));
  }

 private:
  static Sequential build_model(const LayerCase& c) {
    Sequential model({Input(c.input_shape)});
    for (const LayerPtr& layer : c.layers) model.add(layer);
    return model;
  }

  static nn::Matrix random_rows(const LayerCase& c, std::mt19937_64& rng) {
    int64_t features = 1;
    for (int64_t d : c.input_shape) features *= d;
    nn::Matrix x = uniform(c.batch, features, rng, c.input_low, c.input_high);
    if (c.integer_inputs) x = x.array().floor().matrix();
    return x;
  }

  static void randomize_weights(Sequential& model, const LayerCase& c, std::mt19937_64& rng) {
    std::uniform_real_distribution<float> trainable(-c.weight_scale, c.weight_scale);
    std::uniform_real_distribution<float> statistic(0.5f, 1.5f);
    for (nn::Variable* w : model.weights()) {
      for (float& v : w->value.flat<float>()) v = w->trainable ? trainable(rng) : statistic(rng);
    }
  }

  // The layers in order, each handed the mask of its input, as Sequential runs them.
  static nn::Matrix forward(Sequential& model, const nn::Matrix& x, bool training,
                            std::mt19937_64& rng) {
    nn::Matrix h = x;
    const Layer::Mask* mask = nullptr;
    for (const LayerPtr& layer : model.layers()) {
      layer->set_input_mask(mask);
      h = layer->forward(h, training, rng);
      mask = layer->output_mask(mask);
    }
    return h;
  }

  static nn::Matrix backward(Sequential& model, const nn::Matrix& dy) {
    nn::Matrix d = dy;
    for (auto it = model.layers().rbegin(); it != model.layers().rend(); ++it) {
      d = (*it)->backward(d);
    }
    return d;
  }

  static std::string describe(const Sequential& model) {
    std::string out;
    for (const LayerPtr& layer : model.layers()) {
      if (layer->class_name() == "InputLayer") continue;
      out += (out.empty() ? "" : " -> ") + layer->class_name();
    }
    return out;
  }
};

}  // namespace cairn::keras::testing
