// GlobalAveragePooling1D/2D and GlobalMaxPooling1D/2D: the mean or the max
// of each channel over all steps of a sequence (steps, channels) or all
// positions of an image (height, width, channels), as
// tf.keras.layers.GlobalAveragePooling2D and friends (channels_last).
//
//   keras::GlobalAveragePooling2D()                    // (7, 7, 64) -> (64)
//   keras::GlobalMaxPooling1D({.keepdims = true})      // (100, 8) -> (1, 8)
//
// No weights; the math is nn::GlobalPool (cairn/nn/pooling.h). Given a
// mask (Embedding(mask_zero)), GlobalAveragePooling1D averages the steps
// present only, as Keras's.
#pragma once

#include <optional>
#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/pooling.h"

namespace cairn::keras {

struct GlobalPoolingOptions {
  bool keepdims = false;  // keep the pooled axes with size 1
  std::optional<Shape> input_shape;
  std::string name;
};

// What the four global poolings share; use the classes below.
class GlobalPooling : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  std::optional<BuildPlan> plan_build(const Shape& input_shape) const override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  const nn::Matrix& forward_kept(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  const nn::Matrix& backprop(const nn::Matrix& d, const BackpropOptions& options) override;
  Json config() const override;
  // GlobalAveragePooling1D averages only the steps its input mask keeps, as
  // Keras's; its output has no mask.
  bool supports_masking() const override { return kind_ == nn::PoolKind::kAverage && rank_ == 1; }
  const Mask* output_mask(const Mask* /*input_mask*/) const override { return nullptr; }

  bool keepdims() const { return options_.keepdims; }

 protected:
  // `rank` 1 (sequences) or 2 (images).
  GlobalPooling(nn::PoolKind kind, size_t rank, const std::string& base,
                GlobalPoolingOptions options);
  // keepdims (absent before Keras 2.6), input shape and name of a Keras config.
  static GlobalPoolingOptions options_from_config(const Json& config);

 private:
  nn::GlobalPool& pool();

  nn::PoolKind kind_;
  size_t rank_;
  GlobalPoolingOptions options_;
  std::optional<nn::GlobalPool> pool_;
};

class GlobalAveragePooling1D : public GlobalPooling {
 public:
  explicit GlobalAveragePooling1D(GlobalPoolingOptions options = {});
  std::string class_name() const override { return "GlobalAveragePooling1D"; }
  static GlobalAveragePooling1D from_config(const Json& config);
};

class GlobalAveragePooling2D : public GlobalPooling {
 public:
  explicit GlobalAveragePooling2D(GlobalPoolingOptions options = {});
  std::string class_name() const override { return "GlobalAveragePooling2D"; }
  static GlobalAveragePooling2D from_config(const Json& config);
};

class GlobalMaxPooling1D : public GlobalPooling {
 public:
  explicit GlobalMaxPooling1D(GlobalPoolingOptions options = {});
  std::string class_name() const override { return "GlobalMaxPooling1D"; }
  static GlobalMaxPooling1D from_config(const Json& config);
};

class GlobalMaxPooling2D : public GlobalPooling {
 public:
  explicit GlobalMaxPooling2D(GlobalPoolingOptions options = {});
  std::string class_name() const override { return "GlobalMaxPooling2D"; }
  static GlobalMaxPooling2D from_config(const Json& config);
};

}  // namespace cairn::keras
