// Batch and layer normalization over the last axis of rows laid out as
// [batch, positions × channels] (a sample's channels last, as TensorFlow's
// NHWC): the math of tf.keras.layers.BatchNormalization and
// LayerNormalization, without their variables.
//
//   cairn::nn::BatchNorm bn(/*channels=*/8, /*epsilon=*/1e-3f);
//   cairn::nn::Matrix y = bn.forward_training(x, gamma, beta, stats);  // stats: batch mean/var
//   cairn::nn::NormGradients g = bn.backward(dy, gamma);               // dx, dgamma, dbeta
#pragma once

#include <Eigen/Core>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

struct NormGradients {
  Matrix dx;
  RowVector dgamma, dbeta;  // sums over every normalized position
};

// The per-channel mean and (biased) variance of a training batch.
struct BatchMoments {
  RowVector mean, variance;
};

class BatchNorm {
 public:
  BatchNorm(Eigen::Index channels, float epsilon) : channels_(channels), epsilon_(epsilon) {}

  // Normalizes with the batch's own moments (returned in `moments`), over
  // every row and position; gamma and beta are [channels] (ones/zeros when
  // the layer has no scale/center).
  Matrix forward_training(const Matrix& x, const RowVector& gamma, const RowVector& beta,
                          BatchMoments& moments);
  // Normalizes with given (moving) moments.
  Matrix forward_inference(const Matrix& x, const RowVector& gamma, const RowVector& beta,
                           const RowVector& mean, const RowVector& variance);
  // Gradients of the last forward (of either kind).
  NormGradients backward(const Matrix& dy, const RowVector& gamma) const;

 private:
  Eigen::Index channels_;
  float epsilon_;
  bool training_ = false;
  Matrix x_hat_;       // the normalized input of the last forward
  RowVector inv_std_;  // 1 / sqrt(variance + epsilon) per channel
};

// Normalizes each position's `channels` values by their own mean and variance.
class LayerNorm {
 public:
  LayerNorm(Eigen::Index channels, float epsilon) : channels_(channels), epsilon_(epsilon) {}

  Matrix forward(const Matrix& x, const RowVector& gamma, const RowVector& beta);
  NormGradients backward(const Matrix& dy, const RowVector& gamma) const;

 private:
  Eigen::Index channels_;
  float epsilon_;
  Matrix x_hat_;
  Eigen::VectorXf inv_std_;  // per normalized position
};

}  // namespace cairn::nn
