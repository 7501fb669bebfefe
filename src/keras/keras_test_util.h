// Test helpers for the keras layer: small datasets and the tutorial's model.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

#include "cairn/core/errors.h"
#include "cairn/core/tensor.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::testing {

// Three Gaussian blobs in 4-D (an Iris-like problem): x [n, 4], y [n] int64 in {0, 1, 2}.
inline std::pair<Tensor, Tensor> blobs(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.4f);
  Tensor x(DType::kFloat32, {n, 4}), y(DType::kInt64, {n});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = i % 3;
    y.flat<int64_t>()[static_cast<size_t>(i)] = label;
    for (int64_t j = 0; j < 4; ++j) {
      const float center = (j == label) ? 2.0f : (j == 3 ? static_cast<float>(label) : 0.0f);
      x.flat<float>()[static_cast<size_t>(i * 4 + j)] = center + noise(rng);
    }
  }
  return {x, y};
}

// A compiled 4-16-3 softmax classifier with Adam.
inline Sequential small_classifier(uint64_t seed = 7) {
  set_random_seed(seed);
  Sequential model({Dense(16, {.activation = "relu", .input_shape = Shape{4}}), Dropout(0.1),
                    Dense(3, {.activation = "softmax"})});
  model.compile({.optimizer = Adam{.learning_rate = 0.01},
                 .loss = "sparse_categorical_crossentropy",
                 .metrics = {"accuracy"}});
  return model;
}

// Three kinds of 8x8 grey images (a bright top-left quadrant, a bright
// bottom-right one, a bright middle band) with noise: x [n, 8, 8, 1] float32,
// y [n] int64 in {0, 1, 2}.
inline std::pair<Tensor, Tensor> image_blobs(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  Tensor x(DType::kFloat32, {n, 8, 8, 1}), y(DType::kInt64, {n});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = i % 3;
    y.flat<int64_t>()[static_cast<size_t>(i)] = label;
    for (int64_t r = 0; r < 8; ++r) {
      for (int64_t c = 0; c < 8; ++c) {
        const bool bright = label == 0   ? (r < 4 && c < 4)
                            : label == 1 ? (r >= 4 && c >= 4)
                                         : (r >= 3 && r < 5);
        x.flat<float>()[static_cast<size_t>(i * 64 + r * 8 + c)] =
            (bright ? 1.0f : 0.0f) + noise(rng);
      }
    }
  }
  return {x, y};
}

// A compiled CNN for image_blobs with every kind of state a resumed fit()
// must restore: Conv2D, BatchNormalization (moving mean and variance),
// MaxPooling2D, Dropout (the epoch's random numbers), Dense, Adam's slots.
inline Sequential small_cnn_classifier(uint64_t seed = 7) {
  set_random_seed(seed);
  Sequential model({Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = Shape{8, 8, 1}}),
                    BatchNormalization(), MaxPooling2D({2, 2}), Dropout(0.25), Flatten(),
                    Dense(3, {.activation = "softmax"})});
  model.compile({.optimizer = Adam{.learning_rate = 0.01},
                 .loss = "sparse_categorical_crossentropy",
                 .metrics = {"accuracy"}});
  return model;
}

// Bitwise equality of every weight of two models.
// Whether two models (Sequential or functional) hold equal weights, bit for bit.
inline bool same_weights(const BaseModel& a, const BaseModel& b) {
  nn::VariableRefs wa = a.weights(), wb = b.weights();
  if (wa.size() != wb.size()) return false;
  for (size_t i = 0; i < wa.size(); ++i) {
    if (!(wa[i]->value == wb[i]->value)) return false;
  }
  return true;
}

// The largest |a - b| of any weight element, relative to the largest |b| of its weight.
inline double max_relative_difference(const BaseModel& a, const BaseModel& b) {
  const nn::VariableRefs wa = a.weights(), wb = b.weights();
  double worst = 0;
  for (size_t i = 0; i < wb.size(); ++i) {
    std::span<const float> x = wa[i]->value.flat<float>(), y = wb[i]->value.flat<float>();
    double scale = 1e-30;
    for (float v : y) scale = std::max(scale, std::fabs(double{v}));
    for (size_t j = 0; j < y.size(); ++j) {
      worst = std::max(worst, std::fabs(double{x[j]} - y[j]) / scale);
    }
  }
  return worst;
}

// Throws when epoch `epoch` begins: the job dies there.
class FailAtEpoch : public Callback {
 public:
  explicit FailAtEpoch(int epoch) : epoch_(epoch) {}
  void on_epoch_begin(int epoch, const Logs&) override {
    if (epoch == epoch_) throw UnavailableError("the machine went away");
  }

 private:
  int epoch_;
};

}  // namespace cairn::keras::testing
