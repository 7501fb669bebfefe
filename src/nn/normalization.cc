#include "cairn/nn/normalization.h"

#include <cassert>

namespace cairn::nn {

namespace {

using Array = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// x's rows seen as [rows × positions, channels]: one normalized vector per row
// of the view (a row-major sample is its positions one after another).
Eigen::Map<const Array> by_channel(const Matrix& x, Eigen::Index channels) {
  assert(channels > 0 && x.cols() % channels == 0);
  return {x.data(), x.size() / channels, channels};
}

Matrix shaped_like(const Array& a, const Matrix& x) {
  return Eigen::Map<const Matrix>(a.data(), x.rows(), x.cols());
}

}  // namespace

Matrix BatchNorm::forward_training(const Matrix& x, const RowVector& gamma, const RowVector& beta,
                                   BatchMoments& moments) {
  const auto v = by_channel(x, channels_);
  moments.mean = v.colwise().mean().matrix();
  const Array centered = v.rowwise() - moments.mean.array();
  moments.variance = centered.square().colwise().mean().matrix();
  inv_std_ = (moments.variance.array() + epsilon_).rsqrt().matrix();
  training_ = true;
  const Array x_hat = centered.rowwise() * inv_std_.array();
  x_hat_ = shaped_like(x_hat, x);
  return shaped_like((x_hat.rowwise() * gamma.array()).rowwise() + beta.array(), x);
}

Matrix BatchNorm::forward_inference(const Matrix& x, const RowVector& gamma, const RowVector& beta,
                                    const RowVector& mean, const RowVector& variance) {
  const auto v = by_channel(x, channels_);
  inv_std_ = (variance.array() + epsilon_).rsqrt().matrix();
  training_ = false;
  const Array x_hat = (v.rowwise() - mean.array()).rowwise() * inv_std_.array();
  x_hat_ = shaped_like(x_hat, x);
  return shaped_like((x_hat.rowwise() * gamma.array()).rowwise() + beta.array(), x);
}

NormGradients BatchNorm::backward(const Matrix& dy, const RowVector& gamma) const {
  const auto g = by_channel(dy, channels_);
  const auto x_hat = by_channel(x_hat_, channels_);
  NormGradients out;
  out.dbeta = g.colwise().sum().matrix();
  out.dgamma = (g * x_hat).colwise().sum().matrix();
  const Array dx_hat = g.rowwise() * gamma.array();
  if (!training_) {  // the moments are constants
    out.dx = shaped_like(dx_hat.rowwise() * inv_std_.array(), dy);
    return out;
  }
  // The batch's mean and variance depend on every x: the classic form
  // dx = inv_std / m · (m dx̂ - Σ dx̂ - x̂ Σ dx̂ x̂), sums per channel.
  const auto m = static_cast<float>(g.rows());
  const Array sum = dx_hat.colwise().sum();
  const Array sum_x_hat = (dx_hat * x_hat).colwise().sum();
  const Array dx =
      ((dx_hat * m).rowwise() - sum.row(0) - (x_hat.rowwise() * sum_x_hat.row(0))).rowwise() *
      (inv_std_.array() / m);
  out.dx = shaped_like(dx, dy);
  return out;
}

Matrix LayerNorm::forward(const Matrix& x, const RowVector& gamma, const RowVector& beta) {
  const auto v = by_channel(x, channels_);
  const Eigen::ArrayXf mean = v.rowwise().mean();
  const Array centered = v.colwise() - mean;
  const Eigen::ArrayXf variance = centered.square().rowwise().mean();
  inv_std_ = (variance + epsilon_).rsqrt().matrix();
  const Array x_hat = centered.colwise() * inv_std_.array();
  x_hat_ = shaped_like(x_hat, x);
  return shaped_like((x_hat.rowwise() * gamma.array()).rowwise() + beta.array(), x);
}

NormGradients LayerNorm::backward(const Matrix& dy, const RowVector& gamma) const {
  const auto g = by_channel(dy, channels_);
  const auto x_hat = by_channel(x_hat_, channels_);
  NormGradients out;
  out.dbeta = g.colwise().sum().matrix();
  out.dgamma = (g * x_hat).colwise().sum().matrix();
  const auto c = static_cast<float>(channels_);
  const Array dx_hat = g.rowwise() * gamma.array();
  const Eigen::ArrayXf sum = dx_hat.rowwise().sum();
  const Eigen::ArrayXf sum_x_hat = (dx_hat * x_hat).rowwise().sum();
  const Array dx = ((dx_hat * c).colwise() - sum - (x_hat.colwise() * sum_x_hat)).colwise() *
                   (inv_std_.array() / c);
  out.dx = shaped_like(dx, dy);
  return out;
}

}  // namespace cairn::nn
