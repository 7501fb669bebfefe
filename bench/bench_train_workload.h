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
  std::vector<double> macs;  // per layer with weights (TrainMeasurement::macs)
};

// "mnist": 784-512(relu)-Dropout(0.2)-10(softmax), Adam 1e-3, batch 32, Fashion-MNIST.
// "mlp": 784-4096(relu)-4096(relu)-10(softmax), SGD 0.01, batch 256, 2048 random samples.
// "cnn": Conv2D 32 3x3 relu, MaxPooling2D 2, Conv2D 64 3x3 relu, MaxPooling2D 2,
//   Flatten, Dense 128 relu, Dense 10 softmax on 28x28x1 Fashion-MNIST, Adam
//   1e-3, batch 64.
// "lstm": Embedding 10000->64, LSTM 128, Dense 1 sigmoid on 2048 random
//   sequences of 200 ids with random 0/1 labels, binary cross-entropy, Adam
//   1e-3, batch 64.
// Seeded: the same weights and data every run. `samples` > 0 keeps only the
// first that many examples.
Workload make_workload(const std::string& model, int64_t samples = 0);

}  // namespace cairn::bench::internal
