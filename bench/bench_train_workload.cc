// The models and data of `cairn-bench train` (bench_train_workload.h).
#include "bench/bench_train_workload.h"

#include <cstring>
#include <random>
#include <span>
#include <utility>

#include "bench/bench_train_models.h"
#include "cairn/data/idx.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/recurrent.h"

namespace cairn::bench::internal {
namespace {

constexpr const char* kFashionMnist = "/usr/share/datasets/fashion-mnist/";

// Fashion-MNIST's 60000 training images as float32 [60000, 784] in [0, 1].
std::pair<Tensor, Tensor> fashion_mnist() {
  const Tensor images = data::read_idx(std::string(kFashionMnist) + "train-images-idx3-ubyte.gz");
  const Tensor labels = data::read_idx(std::string(kFashionMnist) + "train-labels-idx1-ubyte.gz");
  const int64_t n = images.shape().dim(0);
  Tensor x(DType::kFloat32, {n, 784});
  std::span<const uint8_t> pixels = images.flat<uint8_t>();
  std::span<float> out = x.flat<float>();
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(pixels[i]) / 255.0f;
  return {std::move(x), labels};
}

// `t`'s values as a tensor of `dims` (the same number of elements).
Tensor reshaped(const Tensor& t, std::vector<int64_t> dims) {
  Tensor out(t.dtype(), TensorShape(std::move(dims)));
  std::memcpy(out.data(), t.data(), t.byte_size());
  return out;
}

// The first `n` entries along the first dimension.
Tensor first_rows(const Tensor& t, int64_t n) {
  std::vector<int64_t> dims = t.shape().dims();
  const size_t row_bytes = t.byte_size() / static_cast<size_t>(dims[0]);
  dims[0] = n;
  Tensor out(t.dtype(), TensorShape(dims));
  std::memcpy(out.data(), t.data(), row_bytes * static_cast<size_t>(n));
  return out;
}

std::pair<Tensor, Tensor> random_data(int64_t samples, int64_t features, int64_t classes) {
  std::mt19937_64 rng(42);
  std::normal_distribution<float> normal;
  Tensor x(DType::kFloat32, {samples, features});
  for (float& v : x.flat<float>()) v = normal(rng);
  Tensor y(DType::kInt64, {samples});
  for (int64_t& v : y.flat<int64_t>()) v = static_cast<int64_t>(rng() % classes);
  return {std::move(x), std::move(y)};
}

// `samples` sequences of `steps` ids in [1, vocabulary) and a random 0/1 label each.
std::pair<Tensor, Tensor> random_sequences(int64_t samples, int64_t steps, int64_t vocabulary) {
  std::mt19937_64 rng(42);
  Tensor x(DType::kFloat32, {samples, steps});
  for (float& v : x.flat<float>()) v = static_cast<float>(1 + rng() % (vocabulary - 1));
  Tensor y(DType::kFloat32, {samples, 1});
  for (float& v : y.flat<float>()) v = static_cast<float>(rng() % 2);
  return {std::move(x), std::move(y)};
}

Workload cnn_workload() {
  keras::Sequential m(
      {keras::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = keras::Shape{28, 28, 1}}),
       keras::MaxPooling2D({2, 2}), keras::Conv2D(64, {3, 3}, {.activation = "relu"}),
       keras::MaxPooling2D({2, 2}), keras::Flatten(), keras::Dense(128, {.activation = "relu"}),
       keras::Dense(10, {.activation = "softmax"})});
  m.compile(
      {.optimizer = keras::Adam{.learning_rate = 1e-3}, .loss = "sparse_categorical_crossentropy"});
  auto [x, y] = fashion_mnist();
  x = reshaped(x, {x.shape().dim(0), 28, 28, 1});
  std::vector<double> macs = cnn_conv_macs();
  for (double dense : dense_macs({5 * 5 * 64, 128, 10})) macs.push_back(dense);
  return {std::move(m), std::move(x), std::move(y), 64, std::move(macs)};
}

Workload lstm_workload() {
  keras::Sequential m({keras::Embedding(10000, 64, {.input_shape = keras::Shape{200}}),
                       keras::LSTM(128), keras::Dense(1, {.activation = "sigmoid"})});
  m.compile({.optimizer = keras::Adam{.learning_rate = 1e-3}, .loss = "binary_crossentropy"});
  auto [x, y] = random_sequences(2048, 200, 10000);
  // An embedding looks up, it multiplies nothing.
  return {std::move(m), std::move(x), std::move(y), 64, {0.0, 200.0 * (64 + 128) * 4 * 128, 128}};
}

Workload make_full_workload(const std::string& model) {
  keras::set_random_seed(42);
  if (model == "cnn") return cnn_workload();
  if (model == "lstm") return lstm_workload();
  if (model == "mnist") {
    keras::Sequential m(
        {keras::Dense(512, {.activation = "relu", .input_shape = keras::Shape{784}}),
         keras::Dropout(0.2), keras::Dense(10, {.activation = "softmax"})});
    m.compile({.optimizer = keras::Adam{.learning_rate = 1e-3},
               .loss = "sparse_categorical_crossentropy"});
    auto [x, y] = fashion_mnist();
    return {std::move(m), std::move(x), std::move(y), 32, dense_macs({784, 512, 10})};
  }
  keras::Sequential m({keras::Dense(4096, {.activation = "relu", .input_shape = keras::Shape{784}}),
                       keras::Dense(4096, {.activation = "relu"}),
                       keras::Dense(10, {.activation = "softmax"})});
  m.compile(
      {.optimizer = keras::SGD{.learning_rate = 0.01}, .loss = "sparse_categorical_crossentropy"});
  auto [x, y] = random_data(2048, 784, 10);
  return {std::move(m), std::move(x), std::move(y), 256, dense_macs({784, 4096, 4096, 10})};
}

}  // namespace

Workload make_workload(const std::string& model, int64_t samples) {
  Workload w = make_full_workload(model);
  const int64_t n = w.x.shape().dim(0);
  if (samples > 0 && samples < n) w.x = first_rows(w.x, samples), w.y = first_rows(w.y, samples);
  return w;
}

}  // namespace cairn::bench::internal
