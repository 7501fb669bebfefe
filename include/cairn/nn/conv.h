// Conv: a convolution over NHWC rows, as TensorFlow's Conv2D (and Conv1D, its
// height-1 case): y = activation(conv(x, kernel) + bias), computed as im2col
// then one GEMM of the patches with the kernel (conv_geometry.h). Variables
// "<name>/kernel" [kh, kw, in, filters] ([kw, in, filters] for rank 1) and
// "<name>/bias" [filters]; the kernel's memory is the GEMM's [kh*kw*in,
// filters] matrix as it is.
//
//   nn::Conv conv({.name = "conv2d", .geometry = g, .filters = 32,
//                  .activation = nn::Activation::kRelu});
//   const nn::Matrix& y = conv.forward(x);    // [batch, oh*ow*32]
//   const nn::Matrix& dx = conv.backward(dy); // sets kernel and bias gradients
//
// The patches are gathered for a block of samples at a time (about 256 KiB
// of patches and outputs, kept in cache from the gathering through the
// product, bias and activation), in forward and again in backward. With several threads (gemm.h's
// num_threads()) the batch is cut into one range of samples per thread, each gathering and
// multiplying its own (src/nn/parallel_ranges.h); the kernel gradient sums the ranges' in a fixed
// order, so results repeat run to run. Buffers (patches, pre-activations, gradients) are sized on
// the first batch of a size and reused after.
#pragma once

#include <string>
#include <vector>

#include "cairn/nn/activation.h"
#include "cairn/nn/conv_geometry.h"
#include "cairn/nn/variable_matrix.h"

namespace cairn::nn {

struct ConvOptions {
  std::string name;
  ConvGeometry geometry;
  int64_t filters = 1;
  int rank = 2;  // 1: kernel variable [kw, in, filters]
  Activation activation = Activation::kLinear;
  bool use_bias = true;
  std::string kernel_name = "kernel";  // SeparableConv2D's is "pointwise_kernel"
};

class Conv {
 public:
  // Throws InvalidArgumentError unless the sizes are positive.
  explicit Conv(ConvOptions options);

  // [batch, H*W*in] -> [batch, oh*ow*filters], held until the next forward().
  const Matrix& forward(const Matrix& x);
  // Given dL/dy of the last forward(): sets the gradients, returns dL/dx
  // (an empty matrix without input_gradient: a first layer saves the patch
  // product and col2im).
  const Matrix& backward(const Matrix& dy, bool input_gradient = true);
  // Like backward(), given dL/d(pre-activation).
  const Matrix& backward_linear(const Matrix& dz, bool input_gradient = true);
  const Matrix& last_preactivation() const { return z_; }

  // kernel, then bias (when use_bias).
  VariableRefs variables();
  Variable& kernel() { return kernel_; }
  Variable& bias() { return bias_; }
  const ConvOptions& options() const { return options_; }

 private:
  // One range of samples' scratch: a block's patches, their gradient and
  // dL/dz, and
  // the range's shares of the kernel gradient (range 0 writes the variable's)
  // and of the bias gradient.
  struct RangeScratch {
    Matrix cols, dcols, dz, d_kernel, d_bias;
  };
  // What backward_range reads (`gradient`: dL/dy, or dL/dz when not
  // through_activation, as backward_linear gives it) and writes.
  struct BackwardTo {
    const Matrix& gradient;
    bool through_activation;
    bool input_gradient;
    Eigen::Ref<Matrix> d_kernel;
  };
  void forward_range(Eigen::Index first, Eigen::Index count, RangeScratch& scratch);
  const Matrix& backward_ranges(const Matrix& gradient, bool through_activation,
                                bool input_gradient);
  void backward_range(BackwardTo to, Eigen::Index first, Eigen::Index count, RangeScratch& scratch);

  ConvOptions options_;
  Variable kernel_, bias_;
  // x_: the last input (backward gathers its patches again).
  Matrix x_, z_, y_, dx_;
  std::vector<RangeScratch> ranges_;
};

}  // namespace cairn::nn
