// Test-only: the numeric gradient check of any keras::Layer (its input
// gradient and every weight gradient of sum(y · r), training off), built on
// nn/gradient_check.h.
//
//   LSTM layer(3);
//   std::mt19937_64 rng(1);
//   layer.build({4, 2}, rng);
//   expect_layer_gradients(layer, random_matrix(2, 8, 1));
#pragma once

#include <gtest/gtest.h>

#include <random>

#include "cairn/keras/layers/layer.h"
#include "nn/gradient_check.h"

namespace cairn::keras::testing {

// `mask`: the input mask handed to the layer before each forward(), or nullptr.
// `check_input`: false for layers whose input has no gradient (Embedding's ids).
inline void expect_layer_gradients(Layer& layer, const nn::Matrix& x,
                                   const nn::Matrix* mask = nullptr, bool check_input = true) {
  using nn::testing::expect_gradients_near;
  using nn::testing::numeric_gradient;
  using nn::testing::weighted_sum;
  std::mt19937_64 rng(0);
  auto run = [&](const nn::Matrix& in) {
    layer.set_input_mask(mask);
    return layer.forward(in, /*training=*/false, rng);
  };
  const nn::Matrix y = run(x);
  const nn::Matrix r = nn::testing::random_matrix(y.rows(), y.cols(), 99);
  const nn::Matrix dx = layer.backward(r);
  if (check_input) {
    expect_gradients_near(
        dx, numeric_gradient([&](const nn::Matrix& in) { return weighted_sum(run(in), r); }, x),
        "input");
  }
  for (nn::Variable* v : layer.weights()) {
    run(x);
    layer.backward(r);
    const nn::Matrix analytic = nn::as_matrix(v->gradient);
    const nn::Matrix saved = nn::as_matrix(v->value);
    const nn::Matrix numeric = numeric_gradient(
        [&](const nn::Matrix& w) {
          nn::as_matrix(v->value) = w;
          return weighted_sum(run(x), r);
        },
        saved);
    nn::as_matrix(v->value) = saved;
    expect_gradients_near(analytic, numeric, v->name.c_str());
  }
}

}  // namespace cairn::keras::testing
