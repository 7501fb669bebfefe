// Pooling over NHWC rows, as TensorFlow's MaxPool/AvgPool and the global
// reductions behind Keras's Global*Pooling layers. A batch is a [batch,
// height * width * channels] matrix whose rows hold samples in NHWC order
// (a 1-D sequence (steps, channels) is height 1, width steps).
//
//   cairn::nn::PoolGeometry g = cairn::nn::pool_geometry(
//       {.height = 28, .width = 28, .channels = 32, .pool = {2, 2}, .strides = {2, 2}});
//   cairn::nn::Pool2D pool(cairn::nn::PoolKind::kMax, g);
//   cairn::nn::Matrix y = pool.forward(x);      // [batch, 14 * 14 * 32]
//   cairn::nn::Matrix dx = pool.backward(dy);   // [batch, 28 * 28 * 32]
//
// Padding "same" pads as TensorFlow: the output is ceil(in / stride) wide,
// the padding is split with the extra element after; padded elements never
// win a max and are not counted by an average.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cairn/nn/matrix.h"

namespace cairn::nn {

enum class PoolKind { kMax, kAverage };

struct PoolGeometryOptions {
  int64_t height = 1, width = 1, channels = 1;  // of one input sample
  std::array<int64_t, 2> pool = {1, 1};         // window (height, width)
  std::array<int64_t, 2> strides = {1, 1};
  bool same_padding = false;  // "same" when true, else "valid"
};

struct PoolGeometry {
  PoolGeometryOptions input;
  int64_t out_height = 0, out_width = 0;
  int64_t pad_top = 0, pad_left = 0;
  int64_t input_size() const { return input.height * input.width * input.channels; }
  int64_t output_size() const { return out_height * out_width * input.channels; }
};

// The output size and padding of a pooling. Throws InvalidArgumentError
// unless every size is positive and a "valid" window fits in the input.
PoolGeometry pool_geometry(const PoolGeometryOptions& options);

// A window pooling (max or average) over batches of rows.
class Pool2D {
 public:
  Pool2D(PoolKind kind, PoolGeometry geometry) : kind_(kind), g_(geometry) {}

  // [batch, input_size] -> [batch, output_size]; keeps what backward() needs.
  const Matrix& forward(const Matrix& x);
  // dL/dy of the last forward() -> dL/dx.
  const Matrix& backward(const Matrix& dy);
  const PoolGeometry& geometry() const { return g_; }

  // Input indices [begin, end) along one axis that a window covers.
  struct Span {
    int64_t begin, end;
  };

 private:
  // One sample's row of y_ (and argmax_) from its input x; one sample's row of dx_.
  void forward_sample(const float* x, Eigen::Index b);
  void backward_sample(const Matrix& dy, Eigen::Index b);
  // One output position's channels from the sample `src`.
  void average_window(const float* src, Span rows, Span cols, float* out) const;

  PoolKind kind_;
  PoolGeometry g_;
  Matrix y_, dx_;
  std::vector<int32_t> argmax_;  // per output element: the winning input column (max)
};

// A reduction over all positions of each channel: [batch, positions *
// channels] -> [batch, channels], as GlobalMaxPooling / GlobalAveragePooling.
class GlobalPool {
 public:
  GlobalPool(PoolKind kind, int64_t positions, int64_t channels)
      : kind_(kind), positions_(positions), channels_(channels) {}

  const Matrix& forward(const Matrix& x);
  // An average over the positions whose `mask` entry ([batch, positions],
  // 1 present, 0 padding) is 1, as Keras's GlobalAveragePooling1D with a
  // mask: sum(mask * x) / sum(mask) (NaN for a sample without any step).
  const Matrix& forward_masked(const Matrix& x, const Matrix& mask);
  // dL/dy of the last forward (masked or not) -> dL/dx.
  const Matrix& backward(const Matrix& dy);

 private:
  PoolKind kind_;
  int64_t positions_, channels_;
  Matrix y_, dx_;
  Matrix weights_;  // [batch, positions]: each position's share of the average
  std::vector<int64_t> argmax_;
};

}  // namespace cairn::nn
