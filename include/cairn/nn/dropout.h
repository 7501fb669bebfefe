// Dropout: in training, zeroes each element with probability `rate` and
// scales the rest by 1 / (1 - rate) (inverted dropout, as TensorFlow); the
// identity at inference. Seeded, so a run repeats bit for bit.
//
//   cairn::nn::Dropout drop(0.2);
//   cairn::nn::Matrix y = drop.forward(x, /*training=*/true, rng);
//   cairn::nn::Matrix dx = drop.backward(dy);
#pragma once

#include <random>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

class Dropout {
 public:
  explicit Dropout(double rate) : rate_(rate) {}
  Matrix forward(const Matrix& x, bool training, std::mt19937_64& rng);
  // Spatial dropout (SpatialDropout1D/2D): each row's last axis holds
  // `channels` values per position; one draw per (row, channel) zeroes that
  // channel at every position.
  Matrix forward_spatial(const Matrix& x, Eigen::Index channels, bool training,
                         std::mt19937_64& rng);
  Matrix backward(const Matrix& dy) const;
  double rate() const { return rate_; }

 private:
  double rate_;
  Matrix mask_;  // scale per element of the last training forward()
};

// GaussianNoise's training forward: x plus zero-mean normal noise of
// `stddev`, drawn in row-major order (its gradient is the identity).
Matrix add_gaussian_noise(const Matrix& x, double stddev, std::mt19937_64& rng);

}  // namespace cairn::nn
