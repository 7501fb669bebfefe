// DepthwiseConv2D and SeparableConv2D, as tf.keras.layers's (channels_last).
// DepthwiseConv2D convolves each input channel with its own depth_multiplier
// filters (output channel c * depth_multiplier + m); SeparableConv2D follows
// that with a 1x1 convolution mixing the channels into `filters`.
//
//   keras::DepthwiseConv2D({3, 3}, {.depth_multiplier = 2, .input_shape = Shape{32, 32, 3}})
//   keras::SeparableConv2D(64, {3, 3}, {.padding = "same", .activation = "relu"})
//
// Weights: DepthwiseConv2D "<name>/depthwise_kernel" [kh, kw, in, multiplier]
// and "<name>/bias" [in * multiplier]; SeparableConv2D
// "<name>/depthwise_kernel", "<name>/pointwise_kernel" [1, 1, in * multiplier,
// filters] and "<name>/bias" [filters].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/conv.h"
#include "cairn/nn/depthwise_conv.h"

namespace cairn::keras {

struct DepthwiseConvOptions {
  std::vector<int64_t> strides;  // as ConvOptions's
  std::string padding = "valid";
  std::vector<int64_t> dilation_rate;
  int64_t depth_multiplier = 1;
  std::string activation = "linear";
  bool use_bias = true;
  std::string depthwise_initializer = "glorot_uniform";
  std::string pointwise_initializer = "glorot_uniform";  // SeparableConv2D only
  std::string bias_initializer = "zeros";
  std::optional<Shape> input_shape;
  std::string name;
};

class DepthwiseConv2D : public Layer {
 public:
  // Throws InvalidArgumentError as Conv2D does, and for depth_multiplier < 1.
  explicit DepthwiseConv2D(std::vector<int64_t> kernel_size, DepthwiseConvOptions options = {});

  std::string class_name() const override { return "DepthwiseConv2D"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  nn::Activation final_activation() const override { return activation_; }
  const nn::Matrix& last_preactivation() const override;
  nn::Matrix backward_preactivation(const nn::Matrix& dz) override;
  nn::VariableRefs weights() override;
  Json config() const override;

  static DepthwiseConv2D from_config(const Json& config);

 private:
  nn::DepthwiseConv& depthwise();
  std::vector<int64_t> kernel_;
  DepthwiseConvOptions options_;
  nn::Padding padding_;
  nn::Activation activation_;
  std::optional<nn::DepthwiseConv> depthwise_;
};

class SeparableConv2D : public Layer {
 public:
  SeparableConv2D(int64_t filters, std::vector<int64_t> kernel_size,
                  DepthwiseConvOptions options = {});

  std::string class_name() const override { return "SeparableConv2D"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  nn::Activation final_activation() const override { return activation_; }
  const nn::Matrix& last_preactivation() const override;
  nn::Matrix backward_preactivation(const nn::Matrix& dz) override;
  nn::VariableRefs weights() override;
  Json config() const override;

  static SeparableConv2D from_config(const Json& config);

 private:
  void check_built() const;
  int64_t filters_;
  std::vector<int64_t> kernel_;
  DepthwiseConvOptions options_;
  nn::Padding padding_;
  nn::Activation activation_;
  std::optional<nn::DepthwiseConv> depthwise_;  // linear, no bias
  std::optional<nn::Conv> pointwise_;           // 1x1, with the bias and activation
};

}  // namespace cairn::keras
