// MaxPooling1D/2D and AveragePooling1D/2D: window poolings over sequences
// (steps, channels) and images (height, width, channels), as
// tf.keras.layers.MaxPooling2D and friends (channels_last).
//
//   keras::MaxPooling2D({2, 2})                                   // 28x28x32 -> 14x14x32
//   keras::AveragePooling2D({3, 3}, {.strides = {2, 2}, .padding = "same"})
//   keras::MaxPooling1D(2, {.input_shape = {100, 8}})            // (100, 8) -> (50, 8)
//
// No weights. Padding "same" follows TensorFlow (padded elements never win a
// max and are not counted by an average); the math is in cairn/nn/pooling.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/pooling.h"

namespace cairn::keras {

struct PoolingOptions {
  std::vector<int64_t> strides;   // empty: the pool size (Keras's default)
  std::string padding = "valid";  // or "same"
  std::optional<Shape> input_shape;
  std::string name;
};

// What the four pooling layers share; use the classes below.
class Pooling : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  Json config() const override;

  const std::vector<int64_t>& pool_size() const { return pool_size_; }
  const std::vector<int64_t>& strides() const { return options_.strides; }
  const std::string& padding() const { return options_.padding; }

 protected:
  // `rank` 1 (sequences) or 2 (images). Throws InvalidArgumentError for
  // sizes outside [1, 2^31) or a padding other than "valid" and "same".
  Pooling(nn::PoolKind kind, size_t rank, const std::string& base, std::vector<int64_t> pool_size,
          PoolingOptions options);
  // The pool size and options of a Keras config (Keras 2.1 to 3).
  struct Args {
    std::vector<int64_t> pool_size;
    PoolingOptions options;
  };
  static Args args_from_config(const Json& config, size_t rank, const char* class_name);

 private:
  nn::PoolGeometry geometry_for(const Shape& input_shape) const;
  nn::Pool2D& pool();

  nn::PoolKind kind_;
  size_t rank_;
  std::vector<int64_t> pool_size_;
  PoolingOptions options_;
  std::optional<nn::Pool2D> pool_;
};

class MaxPooling1D : public Pooling {
 public:
  explicit MaxPooling1D(int64_t pool_size = 2, PoolingOptions options = {});
  std::string class_name() const override { return "MaxPooling1D"; }
  static MaxPooling1D from_config(const Json& config);
};

class MaxPooling2D : public Pooling {
 public:
  explicit MaxPooling2D(std::vector<int64_t> pool_size = {2, 2}, PoolingOptions options = {});
  std::string class_name() const override { return "MaxPooling2D"; }
  static MaxPooling2D from_config(const Json& config);
};

class AveragePooling1D : public Pooling {
 public:
  explicit AveragePooling1D(int64_t pool_size = 2, PoolingOptions options = {});
  std::string class_name() const override { return "AveragePooling1D"; }
  static AveragePooling1D from_config(const Json& config);
};

class AveragePooling2D : public Pooling {
 public:
  explicit AveragePooling2D(std::vector<int64_t> pool_size = {2, 2}, PoolingOptions options = {});
  std::string class_name() const override { return "AveragePooling2D"; }
  static AveragePooling2D from_config(const Json& config);
};

}  // namespace cairn::keras
