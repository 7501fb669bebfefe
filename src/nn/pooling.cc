#include "cairn/nn/pooling.h"

#include <algorithm>
#include <limits>
#include <string>

#include "cairn/core/errors.h"
#include "nn/parallel_ranges.h"
#include "nn/pool_kernels.h"

namespace cairn::nn {

namespace {

constexpr int64_t kMaxSize = int64_t{1} << 31;

void check_positive(int64_t v, const char* what) {
  if (v < 1 || v >= kMaxSize) {
    throw InvalidArgumentError(std::string("pooling: ") + what + " must be in [1, 2^31), got " +
                               std::to_string(v));
  }
}

// TensorFlow's output size along one axis and the padding before it.
void axis_geometry(int64_t in, int64_t pool, int64_t stride, bool same, int64_t& out,
                   int64_t& pad_before) {
  if (same) {
    out = (in + stride - 1) / stride;
    const int64_t needed = std::max<int64_t>(0, (out - 1) * stride + pool - in);
    pad_before = needed / 2;
    return;
  }
  if (pool > in) {
    throw InvalidArgumentError("pooling: a window of " + std::to_string(pool) +
                               " does not fit an input of " + std::to_string(in) +
                               " with padding \"valid\"");
  }
  out = (in - pool) / stride + 1;
  pad_before = 0;
}

// The window of output index `o` along an axis, clipped to the input.
Pool2D::Span window(int64_t o, int64_t stride, int64_t pad, int64_t pool, int64_t in) {
  const int64_t start = o * stride - pad;
  return {.begin = std::max<int64_t>(start, 0), .end = std::min(start + pool, in)};
}

}  // namespace

PoolGeometry pool_geometry(const PoolGeometryOptions& options) {
  check_positive(options.height, "height");
  check_positive(options.width, "width");
  check_positive(options.channels, "channels");
  for (int i = 0; i < 2; ++i) {
    check_positive(options.pool[i], "pool size");
    check_positive(options.strides[i], "stride");
  }
  PoolGeometry g{.input = options};
  axis_geometry(options.height, options.pool[0], options.strides[0], options.same_padding,
                g.out_height, g.pad_top);
  axis_geometry(options.width, options.pool[1], options.strides[1], options.same_padding,
                g.out_width, g.pad_left);
  // Max pooling keeps each winner's index in the sample as 32 bits.
  if (options.height * options.width >= kMaxSize / options.channels) {
    throw InvalidArgumentError("pooling: a sample of " + std::to_string(options.height) + " x " +
                               std::to_string(options.width) + " x " +
                               std::to_string(options.channels) +
                               " values is too large (at most 2^31 - 1)");
  }
  return g;
}

const Matrix& Pool2D::forward(const Matrix& x) {
  resize_with_huge_pages(y_, x.rows(), g_.output_size());
  if (kind_ == PoolKind::kMax) argmax_.resize(static_cast<size_t>(y_.size()));
  internal::parallel_ranges(x.rows(), [&](int, Eigen::Index first, Eigen::Index count) {
    for (Eigen::Index b = first; b < first + count; ++b) forward_sample(x.row(b).data(), b);
  });
  return y_;
}

void Pool2D::forward_sample(const float* x, Eigen::Index b) {
  const PoolGeometryOptions& in = g_.input;
  const int64_t c = in.channels;
  for (int64_t oh = 0; oh < g_.out_height; ++oh) {
    const Pool2D::Span rows = window(oh, in.strides[0], g_.pad_top, in.pool[0], in.height);
    for (int64_t ow = 0; ow < g_.out_width; ++ow) {
      const Pool2D::Span cols = window(ow, in.strides[1], g_.pad_left, in.pool[1], in.width);
      const int64_t out = (oh * g_.out_width + ow) * c;
      if (kind_ == PoolKind::kMax) {
        internal::max_over_window({.sample = x,
                                   .width = in.width,
                                   .channels = c,
                                   .rows = {rows.begin, rows.end},
                                   .cols = {cols.begin, cols.end},
                                   .out = y_.row(b).data() + out,
                                   .arg = argmax_.data() + b * y_.cols() + out});
      } else {
        average_window(x, rows, cols, y_.row(b).data() + out);
      }
    }
  }
}

void Pool2D::average_window(const float* src, Span rows, Span cols, float* out) const {
  const int64_t c = g_.input.channels;
  std::fill(out, out + c, 0.0f);
  for (int64_t h = rows.begin; h < rows.end; ++h) {
    for (int64_t w = cols.begin; w < cols.end; ++w) {
      const float* in = src + (h * g_.input.width + w) * c;
      for (int64_t k = 0; k < c; ++k) out[k] += in[k];
    }
  }
  const auto count = static_cast<float>((rows.end - rows.begin) * (cols.end - cols.begin));
  for (int64_t k = 0; k < c; ++k) out[k] /= count;
}

const Matrix& Pool2D::backward(const Matrix& dy) {
  resize_with_huge_pages(dx_, dy.rows(), g_.input_size());
  internal::parallel_ranges(dy.rows(), [&](int, Eigen::Index first, Eigen::Index count) {
    dx_.middleRows(first, count).setZero();
    for (Eigen::Index b = first; b < first + count; ++b) backward_sample(dy, b);
  });
  return dx_;
}

// Adds sample b's share of dL/dx to its (zeroed) row of dx_.
void Pool2D::backward_sample(const Matrix& dy, Eigen::Index b) {
  const PoolGeometryOptions& in = g_.input;
  const int64_t c = in.channels;
  const float* grad = dy.row(b).data();
  float* dst = dx_.row(b).data();
  if (kind_ == PoolKind::kMax) {
    const int32_t* arg = argmax_.data() + b * dy.cols();
    for (Eigen::Index i = 0; i < dy.cols(); ++i) dst[arg[i]] += grad[i];
    return;
  }
  for (int64_t oh = 0; oh < g_.out_height; ++oh) {
    const Pool2D::Span rows = window(oh, in.strides[0], g_.pad_top, in.pool[0], in.height);
    for (int64_t ow = 0; ow < g_.out_width; ++ow) {
      const Pool2D::Span cols = window(ow, in.strides[1], g_.pad_left, in.pool[1], in.width);
      const float* g = grad + (oh * g_.out_width + ow) * c;
      const auto count = static_cast<float>((rows.end - rows.begin) * (cols.end - cols.begin));
      for (int64_t h = rows.begin; h < rows.end; ++h) {
        for (int64_t w = cols.begin; w < cols.end; ++w) {
          float* d = dst + (h * in.width + w) * c;
          for (int64_t k = 0; k < c; ++k) d[k] += g[k] / count;
        }
      }
    }
  }
}

const Matrix& GlobalPool::forward(const Matrix& x) {
  y_.resize(x.rows(), channels_);
  if (kind_ == PoolKind::kAverage) {
    return forward_masked(x, Matrix::Ones(x.rows(), positions_));
  }
  argmax_.resize(static_cast<size_t>(y_.size()));
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    const auto positions = Eigen::Map<const Matrix>(x.row(b).data(), positions_, channels_);
    for (int64_t k = 0; k < channels_; ++k) {
      Eigen::Index best = 0;
      y_(b, k) = positions.col(k).maxCoeff(&best);
      argmax_[static_cast<size_t>(b * channels_ + k)] = best;
    }
  }
  return y_;
}

const Matrix& GlobalPool::forward_masked(const Matrix& x, const Matrix& mask) {
  if (kind_ != PoolKind::kAverage || mask.rows() != x.rows() || mask.cols() != positions_) {
    throw InvalidArgumentError("global pooling: a mask of shape [" + std::to_string(mask.rows()) +
                               ", " + std::to_string(mask.cols()) + "] does not fit " +
                               std::to_string(x.rows()) + " samples of " +
                               std::to_string(positions_) + " steps (averages take masks)");
  }
  y_.resize(x.rows(), channels_);
  weights_ = mask.array().colwise() / mask.rowwise().sum().array();
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    const auto positions = Eigen::Map<const Matrix>(x.row(b).data(), positions_, channels_);
    y_.row(b) = weights_.row(b) * positions;
  }
  return y_;
}

const Matrix& GlobalPool::backward(const Matrix& dy) {
  dx_.resize(dy.rows(), positions_ * channels_);
  for (Eigen::Index b = 0; b < dy.rows(); ++b) {
    auto positions = Eigen::Map<Matrix>(dx_.row(b).data(), positions_, channels_);
    if (kind_ == PoolKind::kAverage) {
      positions = weights_.row(b).transpose() * dy.row(b);
      continue;
    }
    positions.setZero();
    for (int64_t k = 0; k < channels_; ++k) {
      positions(argmax_[static_cast<size_t>(b * channels_ + k)], k) = dy(b, k);
    }
  }
  return dx_;
}

}  // namespace cairn::nn
