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

#include <functional>
#include <random>
#include <string>

#include "cairn/io/memory_file_system.h"
#include "cairn/keras/layers/layer.h"
#include "cairn/keras/sequential.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"
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

// make() throws InvalidArgumentError whose message holds `words` (the
// layer's name, the field).
inline void expect_refused(const std::function<void()>& make, const std::string& words) {
  try {
    make();
    ADD_FAILURE() << "not refused: " << words;
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
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
