// Internal to `cairn-bench train` (bench_train.h): the Keras models it trains
// and their data, compiled and ready for fit().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/keras/sequential.h"

namespace cairn::bench::internal {

struct Workload {
  keras::Sequential model;
  Tensor x, y;
  int batch = 0;
  std::vector<int64_t> layers;  // widths, input first
};

// "mnist": 784-512(relu)-Dropout(0.2)-10(softmax), Adam 1e-3, batch 32, Fashion-MNIST.
// "mlp": 784-4096(relu)-4096(relu)-10(softmax), SGD 0.01, batch 256, 2048 random samples.
// Seeded: the same weights and data every run. `samples` > 0 keeps only the
// first that many examples.
Workload make_workload(const std::string& model, int64_t samples = 0);

}  // namespace cairn::bench::internal
