// The models and data of `cairn-bench train` (bench_train_workload.h).
#include "bench/bench_train_workload.h"

#include <cstring>
#include <random>
#include <span>
#include <utility>

#include "cairn/data/idx.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"

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

Workload make_full_workload(const std::string& model) {
  keras::set_random_seed(42);
  if (model == "mnist") {
    keras::Sequential m(
        {keras::Dense(512, {.activation = "relu", .input_shape = keras::Shape{784}}),
         keras::Dropout(0.2), keras::Dense(10, {.activation = "softmax"})});
    m.compile({.optimizer = keras::Adam{.learning_rate = 1e-3},
               .loss = "sparse_categorical_crossentropy"});
    auto [x, y] = fashion_mnist();
    return {std::move(m), std::move(x), std::move(y), 32, {784, 512, 10}};
  }
  keras::Sequential m({keras::Dense(4096, {.activation = "relu", .input_shape = keras::Shape{784}}),
                       keras::Dense(4096, {.activation = "relu"}),
                       keras::Dense(10, {.activation = "softmax"})});
  m.compile(
      {.optimizer = keras::SGD{.learning_rate = 0.01}, .loss = "sparse_categorical_crossentropy"});
  auto [x, y] = random_data(2048, 784, 10);
  return {std::move(m), std::move(x), std::move(y), 256, {784, 4096, 4096, 10}};
}

}  // namespace

Workload make_workload(const std::string& model, int64_t samples) {
  Workload w = make_full_workload(model);
  const int64_t n = w.x.shape().dim(0);
  if (samples > 0 && samples < n) w.x = first_rows(w.x, samples), w.y = first_rows(w.y, samples);
  return w;
}

}  // namespace cairn::bench::internal
