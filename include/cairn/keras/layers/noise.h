// Regularizing noise that acts in fit() only (identity in evaluate() and
// predict()), as tf.keras.layers.SpatialDropout1D, SpatialDropout2D and
// GaussianNoise.
//
//   keras::SpatialDropout1D(0.2)   // (timesteps, channels): drops whole channels
//   keras::SpatialDropout2D(0.2)   // (height, width, channels), channels_last
//   keras::GaussianNoise(0.1)      // adds N(0, 0.1²) to every input
#pragma once

#include <string>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/dropout.h"

namespace cairn::keras {

// SpatialDropout1D (`rank` 2) and SpatialDropout2D (`rank` 3): in training
// each (sample, channel) is zeroed at every position with probability `rate`
// and kept channels are scaled by 1 / (1 - rate).
class SpatialDropout : public Layer {
 public:
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override { return dropout_.backward(dy); }
  bool supports_masking() const override { return true; }
  Json config() const override;
  double rate() const { return dropout_.rate(); }

 protected:
  // Throws InvalidArgumentError unless 0 <= rate < 1.
  SpatialDropout(const char* base, int rank, double rate, std::string name);

 private:
  int rank_;
  int64_t channels_ = 0;
  nn::Dropout dropout_;
};

class SpatialDropout1D : public SpatialDropout {
 public:
  explicit SpatialDropout1D(double rate, std::string name = "")
      : SpatialDropout("spatial_dropout1d", 2, rate, std::move(name)) {}
  std::string class_name() const override { return "SpatialDropout1D"; }
  static SpatialDropout1D from_config(const Json& config);
};

class SpatialDropout2D : public SpatialDropout {
 public:
  explicit SpatialDropout2D(double rate, std::string name = "")
      : SpatialDropout("spatial_dropout2d", 3, rate, std::move(name)) {}
  std::string class_name() const override { return "SpatialDropout2D"; }
  Json config() const override;  // with data_format
  static SpatialDropout2D from_config(const Json& config);
};

class GaussianNoise : public Layer {
 public:
  // Throws InvalidArgumentError unless stddev >= 0.
  explicit GaussianNoise(double stddev, std::string name = "");
  std::string class_name() const override { return "GaussianNoise"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override { return dy; }
  bool supports_masking() const override { return true; }
  Json config() const override;
  double stddev() const { return stddev_; }
  static GaussianNoise from_config(const Json& config);

 private:
  double stddev_;
};

}  // namespace cairn::keras
