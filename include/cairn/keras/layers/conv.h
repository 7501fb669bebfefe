// Conv1D and Conv2D: convolutions over sequences and images, as
// tf.keras.layers.Conv1D and Conv2D (channels_last):
// output = activation(conv(input, kernel) + bias).
//
//   keras::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}})
//   keras::Conv2D(64, {3, 3}, {.strides = {2, 2}, .padding = "same"})
//   keras::Conv2D(8, {3, 3}, {.dilation_rate = {2, 2}, .use_bias = false})
//   keras::Conv1D(16, 5, {.padding = "causal", .input_shape = Shape{100, 8}})
//
// Inputs (height, width, channels) for Conv2D, (steps, channels) for Conv1D.
// Weights "<name>/kernel" [kh, kw, in, filters] ([k, in, filters] for Conv1D)
// and "<name>/bias" [filters]. Computed as im2col and one GEMM (nn/conv.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/conv.h"

namespace cairn::keras {

struct ConvOptions {
  // One value per spatial axis; empty: 1 on each; one value: on every axis.
  std::vector<int64_t> strides;
  std::string padding = "valid";  // "valid", "same"; Conv1D also "causal"
  std::vector<int64_t> dilation_rate;
  // An activation name as Dense takes ("linear": none).
  std::string activation = "linear";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::optional<Shape> input_shape;  // only on a model's first layer
  std::string name;                  // empty: "conv2d", "conv2d_1", ...
};

// What Conv1D and Conv2D share; use those.
class ConvLayer : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  nn::Activation final_activation() const override { return activation_; }
  const nn::Matrix& last_preactivation() const override;
  nn::Matrix backward_preactivation(const nn::Matrix& dz) override;
  nn::VariableRefs weights() override;
  Json config() const override;

  int64_t filters() const { return filters_; }

 protected:
  // Throws InvalidArgumentError for sizes outside [1, 2^31), tuples of the
  // wrong length, an unknown padding/activation/initializer, or strides and
  // dilation both above 1.
  ConvLayer(size_t rank, const std::string& base, int64_t filters, std::vector<int64_t> kernel,
            ConvOptions options);
  struct Args {
    int64_t filters;
    std::vector<int64_t> kernel;
    ConvOptions options;
  };
  // The constructor's arguments from a Keras config (Keras 2.1 to 3).
  static Args args_from_config(const Json& config, size_t rank, const std::string& class_name);

 private:
  nn::Conv& conv();

  size_t rank_;
  int64_t filters_;
  std::vector<int64_t> kernel_;
  ConvOptions options_;
  nn::Padding padding_;
  nn::Activation activation_;
  std::optional<nn::Conv> conv_;
};

class Conv2D : public ConvLayer {
 public:
  Conv2D(int64_t filters, std::vector<int64_t> kernel_size, ConvOptions options = {});
  std::string class_name() const override { return "Conv2D"; }
  static Conv2D from_config(const Json& config);
};

class Conv1D : public ConvLayer {
 public:
  Conv1D(int64_t filters, int64_t kernel_size, ConvOptions options = {});
  std::string class_name() const override { return "Conv1D"; }
  static Conv1D from_config(const Json& config);
};

}  // namespace cairn::keras
