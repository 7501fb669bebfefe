// Helpers of the Keras export tests (tfjs_export_test.cc, onnx_export_test.cc):
// models with weights away from their initializers, inputs, refusals.
//
//   keras::testing::scramble_weights(model);
//   Tensor x = keras::testing::sample_input(5, {9, 9, 2});
//   keras::testing::expect_export_refused(model, "onnx", "lstm", "ONNX");
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "testing/test_util.h"

namespace cairn::keras::testing {

// Gives every weight deterministic values away from its initializer's
// (moving variances stay positive), so each weight's place in the export
// shows in the predictions.
template <class M>
void scramble_weights(M& model) {
  int k = 0;
  for (nn::Variable* v : model.weights()) {
    auto values = v->value.flat<float>();
    const bool variance = v->name.ends_with("moving_variance");
    for (size_t i = 0; i < values.size(); ++i) {
      const float s = 0.6f * std::sin(1.7f * static_cast<float>(i) + static_cast<float>(++k));
      values[i] = variance ? 0.5f + std::abs(s) : s;
    }
  }
}

// `rows` samples of `shape`: integers in [0, ids) when ids > 0, else values in [-1, 1].
inline Tensor sample_input(int64_t rows, const Shape& shape, int64_t ids = 0) {
  std::vector<int64_t> dims{rows};
  dims.insert(dims.end(), shape.begin(), shape.end());
  Tensor x(DType::kFloat32, TensorShape(dims));
  auto values = x.flat<float>();
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = ids > 0 ? static_cast<float>((i * 7 + 3) % static_cast<size_t>(ids))
                        : std::cos(0.37f * static_cast<float>(i));
  }
  return x;
}

// The UNIMPLEMENTED error of exporting `model` to `format`, which must name
// `layer` and the format.
inline void expect_export_refused(Sequential& model, const std::string& format,
                                  const std::string& layer, const std::string& format_name) {
  cairn::testing::TempDir tmp;
  try {
    model.export_model(tmp.path() + "/m", format);
    ADD_FAILURE() << format << " export of layer '" << layer << "' was not refused";
  } catch (const UnimplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("layer '" + layer + "'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(format_name), std::string::npos) << e.what();
  }
}

// A runtime's output (`dims`, float `values`) against cairn's prediction
// `want`: the same shape, and every value within 1e-5 relative.
inline void expect_close_prediction(const std::vector<int64_t>& dims,
                                    const std::vector<double>& values, const Tensor& want,
                                    const std::string& runtime) {
  ASSERT_EQ(dims, want.shape().dims()) << runtime;
  const auto expected = want.flat<float>();
  ASSERT_EQ(values.size(), expected.size()) << runtime;
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double w = expected[i], diff = std::abs(values[i] - w);
    worst = std::max(worst, diff / std::max(1.0, std::abs(w)));
  }
  EXPECT_LT(worst, 1e-5) << "largest relative difference from " << runtime;
}

// predict()'s one output, for a Sequential or a functional Model.
inline Tensor single_prediction(Sequential& model, const Tensor& x) { return model.predict(x); }
inline Tensor single_prediction(Model& model, const Tensor& x) { return model.predict(x).at(0); }

// A functional CNN of one 6x6x1 input: two convolutional branches merged by
// Add and Concatenate (with a third), then Dense; weights scrambled.
inline Model branching_model() {
  set_random_seed(8);
  KerasTensor image = Input({6, 6, 1}, "image");
  KerasTensor left = Conv2D(3, {3, 3}, {.padding = "same", .activation = "relu"})(image);
  KerasTensor right = Conv2D(3, {3, 3}, {.padding = "same", .activation = "tanh"})(image);
  KerasTensor sum = BatchNormalization()(Add()({left, right}));
  KerasTensor both = Concatenate()({sum, MaxPooling2D({1, 1})(left)});
  KerasTensor pooled = GlobalAveragePooling2D()(both);
  Model model({image}, {Dense(2, {.activation = "softmax"})(pooled)}, "branching");
  scramble_weights(model);
  return model;
}

}  // namespace cairn::keras::testing
