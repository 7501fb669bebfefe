// Test-only: the numeric gradient check of any keras::Layer. With
// L = sum(layer(x) * r) for a fixed random r, compares the layer's backward()
// (dL/dx and every trainable weight's gradient) with central differences
// (nn/gradient_check.h). Weights of any rank are perturbed as flat rows.
//
//   keras::LSTM layer(3);
//   std::mt19937_64 rng(1);
//   layer.build({4, 2}, rng);
//   keras::testing::expect_layer_gradients(layer, random_matrix(2, 8, 1));
//   keras::testing::expect_layer_gradients(prelu, x, /*training=*/true);
//   keras::testing::expect_layer_gradients(lstm, x, &mask);      // masked steps
//   keras::testing::expect_layer_gradients_for(conv, {5, 5, 2});  // builds it, random x
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>

#include "cairn/keras/layers/layer.h"
#include "nn/gradient_check.h"

namespace cairn::keras::testing {

struct LayerGradientOptions {
  bool training = false;
  // The input mask handed to the layer before each forward(), or nullptr.
  const nn::Matrix* mask = nullptr;
  // False for layers whose input has no gradient (Embedding's ids).
  bool check_input = true;
  float step = nn::testing::kStep;
  uint64_t seed = 99;  // of r
};

// A weight (or its gradient) as one 1 x n row.
inline nn::Matrix flat_row(const Tensor& t) {
  return Eigen::Map<const nn::Matrix>(t.flat<float>().data(), 1, t.num_elements());
}

inline void check_layer_gradients(Layer& layer, const nn::Matrix& x,
                                  const LayerGradientOptions& options) {
  using nn::testing::expect_gradients_near;
  using nn::testing::numeric_gradient;
  using nn::testing::weighted_sum;
  auto run = [&](const nn::Matrix& in) {
    std::mt19937_64 same(1);  // deterministic layers ignore it; noise repeats
    layer.set_input_mask(options.mask);
    return layer.forward(in, options.training, same);
  };
  const nn::Matrix y = run(x);
  const nn::Matrix r = nn::testing::random_matrix(y.rows(), y.cols(), options.seed);
  const nn::Matrix dx = layer.backward(r);
  if (options.check_input) {
    expect_gradients_near(
        dx,
        numeric_gradient([&](const nn::Matrix& in) { return weighted_sum(run(in), r); }, x,
                         options.step),
        (layer.name() + " input").c_str());
  }
  for (nn::Variable* w : layer.weights()) {
    if (!w->trainable) continue;
    run(x);
    layer.backward(r);
    ASSERT_EQ(w->gradient.shape(), w->value.shape()) << w->name;
    const nn::Matrix analytic = flat_row(w->gradient);
    const Tensor original = w->value;
    const nn::Matrix numeric = numeric_gradient(
        [&](const nn::Matrix& values) {
          std::copy(values.data(), values.data() + values.size(), w->value.flat<float>().begin());
          return weighted_sum(run(x), r);
        },
        flat_row(original), options.step);
    w->value = original;
    expect_gradients_near(analytic, numeric, w->name.c_str());
  }
}

// Builds `layer` (unless built) for `input_shape`, gives its trainable
// weights random values in [-0.5, 0.5) (so a zero bias does not hide its
// path) and checks it on two random samples.
inline void expect_layer_gradients_for(Layer& layer, const Shape& input_shape, uint64_t seed = 1,
                                       bool training = true, float step = nn::testing::kStep) {
  std::mt19937_64 rng(seed);
  if (!layer.built()) layer.build(input_shape, rng);
  int64_t features = 1;
  for (int64_t d : input_shape) features *= d;
  for (nn::Variable* w : layer.weights()) {
    if (!w->trainable) continue;
    const nn::Matrix values =
        nn::testing::random_matrix(1, w->value.num_elements(), ++seed, -0.5f, 0.5f);
    std::copy(values.data(), values.data() + values.size(), w->value.flat<float>().begin());
  }
  check_layer_gradients(layer, nn::testing::random_matrix(2, features, ++seed),
                        {.training = training, .step = step, .seed = ++seed});
}

inline void expect_layer_gradients(Layer& layer, const nn::Matrix& x, bool training) {
  check_layer_gradients(layer, x, {.training = training});
}

inline void expect_layer_gradients(Layer& layer, const nn::Matrix& x,
                                   const nn::Matrix* mask = nullptr, bool check_input = true) {
  check_layer_gradients(layer, x, {.mask = mask, .check_input = check_input});
}

}  // namespace cairn::keras::testing
