// Test-only: TensorFlow.js as the oracle of functional Models (several
// inputs and outputs, shared layers, merges), beside the layer oracle
// (layers/layer_test_util.h) and through the same script (tfjs_layers.js).
// TF.js builds the model from Model::get_config() and the model's weights,
// and the two must agree on every output, the gradients of
// sum over outputs of sum(y * r) with respect to each input and each
// trainable weight, and every weight after one SGD step on the summed mean
// squared errors of the outputs (the run and comparisons: TfjsOracle).
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

class TfjsModelOracle : public TfjsOracle {
 public:
  size_t add(Model model, const ModelCase& c) {
    std::mt19937_64 rng(c.seed);
    for (nn::Variable* w : model.weights()) {
      std::uniform_real_distribution<float> u(-c.weight_scale, c.weight_scale);
      for (float& v : w->value.flat<float>()) v = u(rng);
    }
    Side side;
    std::vector<nn::Matrix> x;
    Json request{{"model", internal::model_config_json(model)},
                 {"training", false},
                 {"input_gradients", true}};
    request["weights"] = layer_weights_json(model);
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
    side.after_step = weights_per_layer(model);
    side.description = "model " + model.name();
    return add_case(std::move(request), std::move(side));
  }

 private:
  static int64_t size_of(const Shape& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
};

}  // namespace cairn::keras::testing
