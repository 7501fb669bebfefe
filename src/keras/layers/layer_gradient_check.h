// Test-only: the numeric gradient check of a Keras layer. With
// L = sum(layer(x) * r) for a fixed random r, compares the layer's backward()
// (dL/dx and every trainable weight's gradient) with central differences.
//
//   keras::PReLU layer({.shared_axes = {1}});
//   std::mt19937_64 rng(1);
//   layer.build({4, 3}, rng);
//   keras::testing::expect_layer_gradients(layer, random_matrix(2, 12, 7), /*training=*/true);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>

#include "cairn/keras/layers/layer.h"
#include "nn/gradient_check.h"

namespace cairn::keras::testing {

inline void expect_layer_gradients(Layer& layer, const nn::Matrix& x, bool training) {
  std::mt19937_64 rng(1);
  const auto loss_at = [&](const nn::Matrix& in, const nn::Matrix& r) {
    std::mt19937_64 same(1);  // deterministic layers ignore it; noise repeats
    return nn::testing::weighted_sum(layer.forward(in, training, same), r);
  };
  const nn::Matrix y = layer.forward(x, training, rng);
  const nn::Matrix r = nn::testing::random_matrix(y.rows(), y.cols(), 99);
  const nn::Matrix dx = layer.backward(r);
  nn::testing::expect_gradients_near(
      dx, nn::testing::numeric_gradient([&](const nn::Matrix& in) { return loss_at(in, r); }, x),
      (layer.name() + " input").c_str());
  for (nn::Variable* w : layer.weights()) {
    if (!w->trainable) continue;
    ASSERT_EQ(w->gradient.shape(), w->value.shape()) << w->name;
    const Tensor original = w->value;
    const auto n = static_cast<Eigen::Index>(original.num_elements());
    const nn::Matrix start =
        Eigen::Map<const nn::Matrix>(std::as_const(original).flat<float>().data(), 1, n);
    const nn::Matrix analytic =
        Eigen::Map<const nn::Matrix>(std::as_const(w->gradient).flat<float>().data(), 1, n);
    const nn::Matrix numeric = nn::testing::numeric_gradient(
        [&](const nn::Matrix& values) {
          std::copy(values.data(), values.data() + n, w->value.flat<float>().begin());
          return loss_at(x, r);
        },
        start);
    w->value = original;
    nn::testing::expect_gradients_near(analytic, numeric, w->name.c_str());
  }
}

}  // namespace cairn::keras::testing
