// The config fields the convolution-like layers share (Conv1D, Conv2D,
// DepthwiseConv2D, SeparableConv2D, ZeroPadding2D, Cropping2D, UpSampling2D):
// integer tuples such as kernel_size and strides, padding names,
// data_format, and the geometry of a kernel sliding over an input shape.
// Every size from a config is checked here before anything is allocated.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"
#include "cairn/nn/conv_geometry.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras::internal {

// A tuple given to a constructor: empty -> `rank` copies of `fallback`, one
// value -> repeated `rank` times, `rank` values -> as is; each checked.
std::vector<int64_t> expand_tuple(const std::vector<int64_t>& values, size_t rank, int64_t fallback,
                                  const std::string& layer, const std::string& field);

// A config field that Keras writes as an int or a list of ints (kernel_size,
// strides, dilation_rate, size): `rank` checked values; absent -> fallback.
std::vector<int64_t> tuple_from_config(const Json& config, const std::string& key, size_t rank,
                                       int64_t fallback, const std::string& layer);

// [[top, bottom], [left, right]] as ZeroPadding2D and Cropping2D write it
// (also an int, or [vertical, horizontal]): {top, bottom, left, right}.
std::array<int64_t, 4> border_from_config(const Json& config, const std::string& key,
                                          const std::string& layer);

// "valid", "same" (and "causal" when allowed); throws otherwise.
nn::Padding parse_padding(const std::string& name, const std::string& layer, bool causal_allowed);

// The integer list Keras writes ([3, 3]).
Json int_list(const std::vector<int64_t>& values);

// Throws unless the input shape has `rank` dimensions (without the batch),
// naming the layer and what it expected.
void check_input_rank(const Shape& shape, size_t rank, const std::string& layer,
                      const std::string& class_name, const std::string& expected);

// The product of sizes, or InvalidArgumentError naming the layer when it
// overflows int64 (a weight count from untrusted sizes).
int64_t checked_product(const std::vector<int64_t>& sizes, const std::string& layer,
                        const std::string& what);

struct WindowOptions {
  std::vector<int64_t> kernel, strides, dilation;  // one value per spatial axis
  nn::Padding padding = nn::Padding::kValid;
};

// The geometry of a window sliding over a (height, width, channels) or
// (steps, channels) input; throws naming the layer when the window does not
// fit (no output position) or the input's rank is not the window's + 1.
nn::ConvGeometry window_geometry(const Shape& input, const WindowOptions& window,
                                 const std::string& layer, const std::string& class_name);

// Keras refuses strides > 1 together with dilation_rate > 1 (TensorFlow's
// convolution cannot do both): throws naming the layer.
void check_strides_or_dilation(const std::vector<int64_t>& strides,
                               const std::vector<int64_t>& dilation, const std::string& layer);

}  // namespace cairn::keras::internal
