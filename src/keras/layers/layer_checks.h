// Test-only checks every Keras layer passes (the "Done when"): the
// numeric gradient check of its input and weight gradients, its config's
// round trip through the factory, and a small Sequential model with it that
// trains and whose weights round-trip bit-exactly through .h5 and TF files.
//
//   keras::MaxPooling2D pool({2, 2});
//   keras::testing::expect_layer_gradients(pool, {4, 4, 3}, /*seed=*/1);
//   keras::testing::expect_config_round_trip(pool);
//   keras::testing::expect_trains_and_round_trips(model, x, y, "mse");
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "cairn/io/memory_file_system.h"
#include "cairn/keras/layers/layer.h"
#include "cairn/keras/sequential.h"
#include "keras/layers/layer_factory.h"
#include "keras/saving/model_config.h"
#include "keras/tensor_rows.h"
#include "nn/gradient_check.h"

namespace cairn::keras::testing {

// `n` samples of `shape`, uniform in [-1, 1): [n, shape...] float32.
inline Tensor random_samples(int64_t n, const Shape& shape, uint64_t seed) {
  int64_t size = 1;
  for (int64_t d : shape) size *= d;
  return internal::tensor_of(nn::testing::random_matrix(n, size, seed), shape);
}

// The weights of `layer` as 1 x n rows, so numeric_gradient can perturb them.
inline nn::Matrix weight_row(const nn::Variable& w) {
  return Eigen::Map<const nn::Matrix>(w.value.flat<float>().data(), 1, w.value.num_elements());
}

// Builds `layer` for `input_shape` and checks dL/dx and every dL/dw of
// L = sum(y * r) for random x and r against central differences.
inline void expect_layer_gradients(Layer& layer, const Shape& input_shape, uint64_t seed,
                                   bool training = true) {
  std::mt19937_64 rng(seed);
  if (!layer.built()) layer.build(input_shape, rng);
  int64_t in = 1, out = 1;
  for (int64_t d : input_shape) in *= d;
  for (int64_t d : layer.output_shape()) out *= d;
  const nn::Matrix x = nn::testing::random_matrix(2, in, seed + 1);
  const nn::Matrix r = nn::testing::random_matrix(2, out, seed + 2);
  layer.forward(x, training, rng);
  const nn::Matrix dx = layer.backward(r);
  auto loss = [&](const nn::Matrix& probe) {
    std::mt19937_64 unused(seed);
    return nn::testing::weighted_sum(layer.forward(probe, training, unused), r);
  };
  nn::testing::expect_gradients_near(dx, nn::testing::numeric_gradient(loss, x, 1e-3f), "input");
  for (nn::Variable* w : layer.weights()) {
    const nn::Matrix analytic = weight_row(nn::Variable{.name = w->name, .value = w->gradient});
    auto weight_loss = [&](const nn::Matrix& value) {
      const Tensor original = w->value;
      std::copy(value.data(), value.data() + value.size(), w->value.flat<float>().begin());
      const double l = loss(x);
      w->value = original;
      return l;
    };
    nn::testing::expect_gradients_near(
        analytic, nn::testing::numeric_gradient(weight_loss, weight_row(*w), 1e-3f),
        w->name.c_str());
  }
}

// config() -> the factory's from_config -> the same config.
inline void expect_config_round_trip(const Layer& layer) {
  const LayerPtr again = internal::layer_from_config(layer.class_name(), layer.config());
  EXPECT_EQ(again->config(), layer.config()) << layer.class_name();
}

// `model` (built) compiled with SGD trains 20 epochs on x/y with a falling
// loss; its architecture rebuilt from its config loads what it saved as .h5
// and as a TF checkpoint bit-exactly, and predicts the same.
inline void expect_trains_and_round_trips(Sequential& model, const Tensor& x, const Tensor& y,
                                          const std::string& loss) {
  model.compile({.optimizer = SGD{.learning_rate = 0.05}, .loss = loss});
  const History h = model.fit(x, y, {.epochs = 20, .batch_size = 8, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  MemoryFileSystem files;
  model.set_file_system(files);
  for (const char* path : {"/m/weights.h5", "/m/ckpt"}) {
    model.save_weights(path);
    Sequential again = internal::model_from_config(internal::model_config_json(model));
    again.set_file_system(files);
    again.load_weights(path);
    const nn::VariableRefs a = model.weights(), b = again.weights();
    ASSERT_EQ(a.size(), b.size()) << path;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i]->name, b[i]->name) << path;
      EXPECT_TRUE(a[i]->value == b[i]->value) << path << " " << a[i]->name;
    }
    EXPECT_TRUE(model.predict(x) == again.predict(x)) << path;
  }
}

}  // namespace cairn::keras::testing
