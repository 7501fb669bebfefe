// Nearest-neighbour upsampling of NHWC images by integer factors, as Keras's
// UpSampling2D(interpolation="nearest"): output pixel (y, x) copies input
// pixel (y / size_h, x / size_w). Its gradient sums each block of
// size_h x size_w output gradients into the input pixel they came from.
//
//   nn::Upsampling2D u{.height = 7, .width = 7, .channels = 16, .size_h = 2, .size_w = 2};
//   nn::upsample_nearest(u, x, y);              // [batch, 7*7*16] -> [batch, 14*14*16]
//   nn::upsample_nearest_backward(u, dy, dx);
#pragma once

#include <cstdint>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

struct Upsampling2D {
  int64_t height = 1, width = 1, channels = 1;  // of the input
  int64_t size_h = 2, size_w = 2;

  int64_t input_size() const { return height * width * channels; }
  int64_t output_size() const { return input_size() * size_h * size_w; }
};

// x [batch, input_size] -> y [batch, output_size] (resized).
void upsample_nearest(const Upsampling2D& u, const Matrix& x, Matrix& y);
// dy [batch, output_size] -> dx [batch, input_size] (resized).
void upsample_nearest_backward(const Upsampling2D& u, const Matrix& dy, Matrix& dx);

}  // namespace cairn::nn
