// Test-only: the numeric gradient check of a Keras layer. Builds the layer
// for `input_shape`, gives every weight random values (so a zero bias does
// not hide its path), runs forward then backward of L = sum(y * r), and
// requires dL/dx and every weight's gradient to equal central differences.
//
//   keras::Conv2D conv(4, {3, 3}, {.padding = "same"});
//   keras::testing::expect_layer_gradients(conv, {5, 5, 2});
#pragma once

#include <gtest/gtest.h>

#include <random>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/variable_matrix.h"
#include "nn/gradient_check.h"

namespace cairn::keras::testing {

inline void expect_layer_gradients(Layer& layer, const Shape& input_shape, int64_t batch = 2,
                                   uint64_t seed = 1) {
  using nn::Matrix;
  std::mt19937_64 rng(seed);
  layer.build(input_shape, rng);
  int64_t features = 1;
  for (int64_t d : input_shape) features *= d;
  for (nn::Variable* w : layer.weights()) {
    nn::value_matrix(*w, 1, w->value.num_elements()) =
        nn::testing::random_matrix(1, w->value.num_elements(), ++seed, -0.5f, 0.5f);
  }
  const Matrix x = nn::testing::random_matrix(batch, features, ++seed);
  auto output = [&](const Matrix& in) { return layer.forward(in, true, rng); };
  const Matrix r = nn::testing::random_matrix(batch, output(x).cols(), ++seed);
  const Matrix dx = layer.backward(r);
  nn::testing::expect_gradients_near(
      dx,
      nn::testing::numeric_gradient(
          [&](const Matrix& in) { return nn::testing::weighted_sum(output(in), r); }, x),
      (layer.name() + " input").c_str());
  std::vector<Matrix> analytic;
  for (nn::Variable* w : layer.weights()) {
    analytic.push_back(nn::gradient_matrix(*w, 1, w->value.num_elements()));
  }
  size_t i = 0;
  for (nn::Variable* w : layer.weights()) {
    const Matrix original = nn::value_matrix(*w, 1, w->value.num_elements());
    const Matrix numeric = nn::testing::numeric_gradient(
        [&](const Matrix& value) {
          nn::value_matrix(*w, 1, value.cols()) = value;
          return nn::testing::weighted_sum(output(x), r);
        },
        original);
    nn::value_matrix(*w, 1, original.cols()) = original;
    nn::testing::expect_gradients_near(analytic[i++], numeric, w->name.c_str());
  }
}

}  // namespace cairn::keras::testing
