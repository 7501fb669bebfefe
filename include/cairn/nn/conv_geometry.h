// The geometry of a 2-D window sliding over NHWC rows (convolutions, and any
// layer that moves a kernel over height and width), and im2col: the patches a
// convolution reads, laid out as the rows of a matrix so the convolution
// becomes one GEMM (Chellapilla et al., 2006). A 1-D convolution is the case
// height == 1.
//
//   nn::ConvGeometry g{.height = conv_axis({.input = 28, .kernel = 3}),
//                      .width = conv_axis({.input = 28, .kernel = 3}), .channels = 1};
//   nn::Matrix cols;
//   nn::im2col(g, x, cols);        // x [batch, 28*28*1] -> cols [batch*26*26, 3*3*1]
//   nn::col2im(g, dcols, dx);      // the adjoint: patch gradients summed into dx
//
// Output sizes and padding follow TensorFlow: "valid" keeps windows inside the
// input, "same" gives ceil(input / stride) outputs with the padding split
// evenly (the extra one after), "causal" (1-D) pads only before.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

enum class Padding { kValid, kSame, kCausal };

// "valid", "same", "causal"; nullopt otherwise.
std::optional<Padding> padding_from_name(std::string_view name);
std::string_view padding_name(Padding p);

struct ConvAxisOptions {
  int64_t input = 1;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  Padding padding = Padding::kValid;
};

// One spatial axis of a sliding window.
struct ConvAxis {
  int64_t input = 1, kernel = 1, stride = 1, dilation = 1;
  int64_t pad_before = 0;  // implicit zeros before the first input
  int64_t output = 1;      // window positions (0 when the window never fits)

  // The span a dilated kernel covers: (kernel - 1) * dilation + 1.
  int64_t span() const { return (kernel - 1) * dilation + 1; }
};

// The axis for these sizes (all >= 1, checked by callers), as TensorFlow
// computes output sizes and padding.
ConvAxis conv_axis(const ConvAxisOptions& options);

struct ConvGeometry {
  ConvAxis height, width;
  int64_t channels = 1;  // input channels

  int64_t input_size() const { return height.input * width.input * channels; }
  int64_t positions() const { return height.output * width.output; }
  // The values in one patch: kernel height * kernel width * channels.
  int64_t patch_size() const { return height.kernel * width.kernel * channels; }
};

// x [batch, H*W*C] -> cols [batch * positions, patch_size], each row a patch
// in (kernel row, kernel column, channel) order, zeros where the window
// overlaps padding. cols is resized (once per batch size).
void im2col(const ConvGeometry& g, const Matrix& x, Matrix& cols);
// The same for the `count` samples of x from row `first`: cols [count *
// positions, patch_size].
void im2col(const ConvGeometry& g, const Matrix& x, Eigen::Index first, Eigen::Index count,
            Matrix& cols);

// The adjoint of im2col: dx [batch, H*W*C] = the sum of each patch row of
// dcols back at the input positions it was read from. dx is resized.
void col2im(const ConvGeometry& g, const Matrix& dcols, Matrix& dx);
// The same into rows [first, first + dcols.rows() / positions) of dx, which
// already has its size; its other rows are left as they are.
void col2im(const ConvGeometry& g, const Matrix& dcols, Eigen::Index first, Matrix& dx);

}  // namespace cairn::nn
