// Adding or removing a border around NHWC images: zero padding (Keras's
// ZeroPadding2D) and cropping (Cropping2D). Each is the other's gradient: the
// gradient of a padding is the crop of the output gradient, and back.
//
//   nn::Border2D b{.height = 26, .width = 26, .channels = 8, .top = 1, .bottom = 1,
//                  .left = 2, .right = 2};
//   nn::pad2d(b, x, padded);      // [batch, 26*26*8] -> [batch, 28*30*8]
//   nn::crop2d(b, padded, back);  // and back to [batch, 26*26*8]
#pragma once

#include <cstdint>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

// An inner image of height x width x channels inside a border of these sizes.
struct Border2D {
  int64_t height = 1, width = 1, channels = 1;
  int64_t top = 0, bottom = 0, left = 0, right = 0;

  int64_t outer_height() const { return height + top + bottom; }
  int64_t outer_width() const { return width + left + right; }
  int64_t inner_size() const { return height * width * channels; }
  int64_t outer_size() const { return outer_height() * outer_width() * channels; }
};

// inner [batch, inner_size] -> outer [batch, outer_size], zeros in the border.
void pad2d(const Border2D& b, const Matrix& inner, Matrix& outer);
// outer [batch, outer_size] -> inner [batch, inner_size], the border dropped.
void crop2d(const Border2D& b, const Matrix& outer, Matrix& inner);

}  // namespace cairn::nn
