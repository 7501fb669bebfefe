// DepthwiseConv: a depthwise convolution over NHWC rows, as TensorFlow's
// DepthwiseConv2dNative: each input channel c is convolved with its own
// `depth_multiplier` filters, giving output channel c * depth_multiplier + m.
// Variables "<name>/depthwise_kernel" [kh, kw, in, depth_multiplier] and
// "<name>/bias" [in * depth_multiplier]. The patches come from im2col
// (conv_geometry.h); each output is a short dot product along one channel of
// a patch, so no GEMM fits and the loops run over contiguous memory instead.
//
//   nn::DepthwiseConv dw({.name = "depthwise_conv2d", .geometry = g, .depth_multiplier = 2});
//   const nn::Matrix& y = dw.forward(x);     // [batch, oh*ow*in*2]
//   const nn::Matrix& dx = dw.backward(dy);
#pragma once

#include <string>

#include "cairn/nn/activation.h"
#include "cairn/nn/conv_geometry.h"
#include "cairn/nn/variable_matrix.h"

namespace cairn::nn {

struct DepthwiseConvOptions {
  std::string name;
  ConvGeometry geometry;
  int64_t depth_multiplier = 1;
  Activation activation = Activation::kLinear;
  bool use_bias = true;
};

class DepthwiseConv {
 public:
  // Throws InvalidArgumentError unless the sizes are positive.
  explicit DepthwiseConv(DepthwiseConvOptions options);

  // [batch, H*W*in] -> [batch, oh*ow*in*depth_multiplier], held until the next forward().
  const Matrix& forward(const Matrix& x);
  // Given dL/dy of the last forward(): sets the gradients, returns dL/dx.
  const Matrix& backward(const Matrix& dy);
  // Like backward(), given dL/d(pre-activation).
  const Matrix& backward_linear(const Matrix& dz);
  const Matrix& last_preactivation() const { return z_; }

  const ConvGeometry& geometry() const { return options_.geometry; }
  int64_t output_channels() const { return options_.geometry.channels * options_.depth_multiplier; }
  // depthwise_kernel, then bias (when use_bias).
  VariableRefs variables();
  Variable& kernel() { return kernel_; }
  Variable& bias() { return bias_; }

 private:
  DepthwiseConvOptions options_;
  Variable kernel_, bias_;
  Matrix cols_, z_, y_, dz_, dcols_, dx_;
};

}  // namespace cairn::nn
