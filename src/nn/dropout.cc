#include "cairn/nn/dropout.h"

#include <cassert>
#include <cstdint>
#include <vector>

namespace cairn::nn {
namespace {

// std::bernoulli_distribution(p) with std::mt19937_64 keeps an element when
// generate_canonical<double, 53>, i.e. double(u) / 2^64 for one draw u (1
// rounded down to below 1), is below p. double(u) never decreases as u grows,
// so for 0 < p < 1 that holds exactly for the draws up to the last u with
// double(u) < p 2^64, and for p == 1 for every draw: one integer comparison
// per element draws the very same masks, several times faster.
uint64_t last_kept(double p) {
  const double target = p * 0x1p64;  // exact: a power-of-two scaling
  if (target >= 0x1p64) return UINT64_MAX;
  uint64_t lo = 0, hi = UINT64_MAX;  // the first u with double(u) >= target is in [lo, hi]
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (static_cast<double>(mid) >= target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo - 1;  // lo > 0 as target > 0
}

}  // namespace

Matrix Dropout::forward(const Matrix& x, bool training, std::mt19937_64& rng) {
  assert(rate_ >= 0.0 && rate_ < 1.0);
  if (!training || rate_ == 0.0) {
    mask_.resize(0, 0);  // backward() is then the identity
    return x;
  }
  // Inverted dropout (Srivastava et al. 2014, as tf.nn.dropout): keep with
  // probability 1 - rate and scale kept elements by 1 / (1 - rate), drawn in
  // row-major order.
  const auto scale = static_cast<float>(1.0 / (1.0 - rate_));
  const uint64_t last = last_kept(1.0 - rate_);
  static_assert(std::mt19937_64::min() == 0 && std::mt19937_64::max() == UINT64_MAX);
  mask_.resize(x.rows(), x.cols());
  float* mask = mask_.data();
  for (Eigen::Index i = 0; i < mask_.size(); ++i) mask[i] = rng() <= last ? scale : 0.0f;
  return x.cwiseProduct(mask_);
}

Matrix Dropout::forward_spatial(const Matrix& x, Eigen::Index channels, bool training,
                                std::mt19937_64& rng) {
  assert(rate_ >= 0.0 && rate_ < 1.0 && channels > 0 && x.cols() % channels == 0);
  if (!training || rate_ == 0.0) {
    mask_.resize(0, 0);
    return x;
  }
  const auto scale = static_cast<float>(1.0 / (1.0 - rate_));
  const uint64_t last = last_kept(1.0 - rate_);
  mask_.resize(x.rows(), x.cols());
  std::vector<float> row_mask(static_cast<size_t>(channels));
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (float& m : row_mask) m = rng() <= last ? scale : 0.0f;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      mask_(r, j) = row_mask[static_cast<size_t>(j % channels)];
    }
  }
  return x.cwiseProduct(mask_);
}

Matrix Dropout::backward(const Matrix& dy) const {
  if (mask_.size() == 0) return dy;
  assert(dy.rows() == mask_.rows() && dy.cols() == mask_.cols());
  return dy.cwiseProduct(mask_);
}

Matrix add_gaussian_noise(const Matrix& x, double stddev, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, stddev);
  Matrix y = x;
  for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] += static_cast<float>(normal(rng));
  return y;
}

}  // namespace cairn::nn
