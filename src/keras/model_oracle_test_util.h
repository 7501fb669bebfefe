// Test-only: TensorFlow.js as the oracle of functional Models (several
// inputs and outputs, shared layers, merges), beside the layer oracle
// (layers/layer_test_util.h) and through the same script (tfjs_layers.js).
// TF.js builds the model from Model::get_config() and the model's weights,
// and the two must agree on every output, the gradients of
// sum over outputs of sum(y * r) with respect to each input and each
// trainable weight, and every weight after one SGD step on the summed mean
// squared errors of the outputs.
//
//   keras::testing::TfjsModelOracle tfjs;
//   const size_t k = tfjs.add(make_model(), {.batch = 3});
//   ASSERT_TRUE(tfjs.run());
//   tfjs.expect_matches(k);
#pragma once

#include "cairn/keras/model.h"
#include "keras/layers/layer_test_util.h"
#include "keras/model_graph.h"

namespace cairn::keras::testing {

struct ModelCase {
  int batch = 2;
  float weight_scale = 0.5f;
  double learning_rate = 0.1;
  uint64_t seed = 1;
};

class TfjsModelOracle {
 public:
  size_t add(Model model, const ModelCase& c) {
    std::mt19937_64 rng(c.seed);
    for (nn::Variable* w : model.weights()) {
      std::uniform_real_distribution<float> u(-c.weight_scale, c.weight_scale);
      for (float& v : w->value.flat<float>()) v = u(rng);
    }
    Side side;
    std::vector<nn::Matrix> x;
    Json request{{"model", model_json(model)}, {"training", false}, {"input_gradients", true}};
    request["weights"] = Json::array();
    for (const LayerPtr& layer : model.layers()) {
      if (layer->weights().empty()) continue;
      Json values = Json::array();
      for (nn::Variable* w : layer->weights()) values.push_back(tensor_json(w->value));
      request["weights"].push_back({{"layer", layer->name()}, {"values", std::move(values)}});
    }
    for (const Shape& shape : model.input_shapes()) {
      x.push_back(uniform(c.batch, size_of(shape), rng));
      request["inputs"].push_back(tensor_json(internal::tensor_of(x.back(), shape)));
    }
    internal::ModelGraph& graph = internal::graph_of(model);
    std::vector<const nn::Matrix*> inputs;
    for (const nn::Matrix& m : x) inputs.push_back(&m);
    std::vector<nn::Matrix> rs;
    const std::vector<const nn::Matrix*> outs = graph.forward(inputs, false, rng);
    for (size_t k = 0; k < outs.size(); ++k) {
      const Shape shape = model.output_shapes()[k];
      side.outputs.push_back(internal::tensor_of(*outs[k], shape));
      rs.push_back(uniform(outs[k]->rows(), outs[k]->cols(), rng));
      request["r"].push_back(tensor_json(internal::tensor_of(rs.back(), shape)));
    }
    graph.backward(rs, std::vector<bool>(rs.size(), false), /*input_gradients=*/true);
    for (size_t k = 0; k < x.size(); ++k) {
      side.input_gradients.push_back(
          internal::tensor_of(graph.input_gradient(k), model.input_shapes()[k]));
    }
    for (nn::Variable* w : model.weights()) {
      if (w->trainable) side.weight_gradients.push_back(w->gradient);
    }
    std::vector<Tensor> targets;
    for (size_t k = 0; k < outs.size(); ++k) {
      const Shape shape = model.output_shapes()[k];
      targets.push_back(internal::tensor_of(uniform(c.batch, size_of(shape), rng), shape));
      request["step"]["targets"].push_back(tensor_json(targets.back()));
    }
    request["step"]["learning_rate"] = c.learning_rate;
    model.compile({.optimizer = SGD{.learning_rate = c.learning_rate}, .loss = {"mse"}});
    std::vector<Tensor> xs;
    for (size_t k = 0; k < x.size(); ++k) {
      xs.push_back(internal::tensor_of(x[k], model.input_shapes()[k]));
    }
    model.fit(xs, targets, {.epochs = 1, .batch_size = c.batch, .shuffle = false, .verbose = 0});
    for (const LayerPtr& layer : model.layers()) {
      if (layer->weights().empty()) continue;
      std::vector<Tensor>& values = side.after_step.emplace_back();
      for (nn::Variable* w : layer->weights()) values.push_back(w->value);
    }
    side.description = model.name();
    requests_.push_back(std::move(request));
    sides_.push_back(std::move(side));
    return sides_.size() - 1;
  }

  bool run() {
    const std::string path = dir_.path() + "/model_cases.json";
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
    const std::string what = "model " + got.description;
    ASSERT_FALSE(want.contains("error")) << what << ": TF.js refused it:\n" << want["error"];
    ASSERT_EQ(got.outputs.size(), want["outputs"].size()) << what;
    for (size_t i = 0; i < got.outputs.size(); ++i) {
      expect_near(got.outputs[i], want["outputs"][i], forward_tolerance,
                  what + " output " + std::to_string(i));
    }
    ASSERT_EQ(got.input_gradients.size(), want["input_gradients"].size()) << what;
    for (size_t i = 0; i < got.input_gradients.size(); ++i) {
      expect_near(got.input_gradients[i], want["input_gradients"][i], gradient_tolerance,
                  what + " gradient of input " + std::to_string(i));
    }
    ASSERT_EQ(got.weight_gradients.size(), want["weight_gradients"].size()) << what;
    for (size_t i = 0; i < got.weight_gradients.size(); ++i) {
      expect_near(got.weight_gradients[i], want["weight_gradients"][i], gradient_tolerance,
                  what + " gradient of trainable weight " + std::to_string(i));
    }
    ASSERT_EQ(got.after_step.size(), want["after_step"].size()) << what;
    for (size_t l = 0; l < got.after_step.size(); ++l) {
      const Json& layer = want["after_step"][l];
      for (size_t i = 0; i < got.after_step[l].size(); ++i) {
        expect_near(got.after_step[l][i], layer["values"][i], step_tolerance,
                    what + " weight " + layer["names"][i].get<std::string>() + " after a step");
      }
    }
  }

 private:
  struct Side {
    std::vector<Tensor> outputs, input_gradients, weight_gradients;
    std::vector<std::vector<Tensor>> after_step;  // per layer with weights
    std::string description;
  };

  static int64_t size_of(const Shape& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }

  static Json model_json(const Model& model) {
    return {{"class_name", "Functional"},
            {"config", model.get_config()},
            {"keras_version", "2.13.1"},
            {"backend", "tensorflow"}};
  }

  Json requests_ = Json::array();
  std::vector<Side> sides_;
  Json results_;
  cairn::testing::TempDir dir_;
};

}  // namespace cairn::keras::testing
