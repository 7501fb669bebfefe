// ZeroPadding2D, Cropping2D and UpSampling2D: layers without weights that
// change an image's height and width, as tf.keras.layers's (channels_last).
//
//   keras::ZeroPadding2D({.padding = {1, 1, 2, 2}})   // top, bottom, left, right
//   keras::Cropping2D({.cropping = {2, 2, 0, 0}, .input_shape = Shape{28, 28, 1}})
//   keras::UpSampling2D({.size = {2, 2}})             // nearest neighbour
//
// Inputs are (height, width, channels).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/border2d.h"
#include "cairn/nn/upsampling2d.h"

namespace cairn::keras {

struct Border2DOptions {
  std::array<int64_t, 4> padding{1, 1, 1, 1};   // ZeroPadding2D: top, bottom, left, right
  std::array<int64_t, 4> cropping{0, 0, 0, 0};  // Cropping2D: top, bottom, left, right
  std::optional<Shape> input_shape;
  std::string name;
};

class ZeroPadding2D : public Layer {
 public:
  // Throws InvalidArgumentError for a negative or huge padding.
  explicit ZeroPadding2D(Border2DOptions options = {});
  std::string class_name() const override { return "ZeroPadding2D"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  Json config() const override;
  static ZeroPadding2D from_config(const Json& config);

 private:
  std::array<int64_t, 4> padding_;
  nn::Border2D border_;
};

class Cropping2D : public Layer {
 public:
  // Throws InvalidArgumentError for a negative or huge cropping; build()
  // throws when it crops the whole image.
  explicit Cropping2D(Border2DOptions options = {});
  std::string class_name() const override { return "Cropping2D"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  Json config() const override;
  static Cropping2D from_config(const Json& config);

 private:
  std::array<int64_t, 4> cropping_;
  nn::Border2D border_;
};

struct UpSampling2DOptions {
  std::vector<int64_t> size{2, 2};        // rows, columns (one value: both)
  std::string interpolation = "nearest";  // the only one cairn has
  std::optional<Shape> input_shape;
  std::string name;
};

class UpSampling2D : public Layer {
 public:
  explicit UpSampling2D(UpSampling2DOptions options = {});
  std::string class_name() const override { return "UpSampling2D"; }
  Shape build(const Shape& input_shape, std::mt19937_64& rng) override;
  nn::Matrix forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) override;
  nn::Matrix backward(const nn::Matrix& dy) override;
  Json config() const override;
  static UpSampling2D from_config(const Json& config);

 private:
  std::vector<int64_t> size_;
  nn::Upsampling2D upsampling_;
};

}  // namespace cairn::keras
