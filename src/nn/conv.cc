#include "cairn/nn/conv.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "cairn/core/errors.h"
#include "cairn/nn/gemm.h"
#include "nn/parallel_ranges.h"

namespace cairn::nn {

Conv::Conv(ConvOptions options) : options_(std::move(options)) {
  const ConvGeometry& g = options_.geometry;
  if (options_.filters < 1 || g.channels < 1 || g.height.kernel < 1 || g.width.kernel < 1) {
    throw InvalidArgumentError("Conv layer " + options_.name + ": sizes must be positive");
  }
  TensorShape shape = options_.rank == 1 ? TensorShape{g.width.kernel, g.channels, options_.filters}
                                         : TensorShape{g.height.kernel, g.width.kernel, g.channels,
                                                       options_.filters};
  kernel_ = make_variable(options_.name + "/" + options_.kernel_name, shape);
  if (options_.use_bias) bias_ = make_variable(options_.name + "/bias", {options_.filters});
}

namespace {

// The samples gathered and multiplied at a time: about 256 KiB of their
// patches and outputs (often a single sample), so that both stay in the
// core's L2 cache from im2col through the product to the bias and activation
// (or, backward, from the activation's gradient to the products). Measured on
// the bench's CNN (`cairn-bench train --model cnn`): blocks of 1 MiB were
// 5-15% slower, 4 MiB up to 30%; 64-256 KiB alike.
constexpr int64_t kConvBlockBytes = int64_t{1} << 18;

Eigen::Index conv_block_samples(const ConvGeometry& g, int64_t filters) {
  const int64_t sample_bytes =
      std::max<int64_t>(g.positions() * (g.patch_size() + filters) * int64_t{sizeof(float)}, 1);
  return std::max<int64_t>(1, kConvBlockBytes / sample_bytes);
}

// Rows [first, first + n) of a [batch, positions * filters] matrix as the
// [n * positions, filters] matrix they are: one row per output position.
template <class M>
auto position_rows(M& m, Eigen::Index first, Eigen::Index n, int64_t positions, int64_t filters) {
  using Map = std::conditional_t<std::is_const_v<M>, Eigen::Map<const Matrix>, Eigen::Map<Matrix>>;
  return Map(m.data() + first * positions * filters, n * positions, filters);
}

}  // namespace

const Matrix& Conv::forward(const Matrix& x) {
  const ConvGeometry& g = options_.geometry;
  assert(x.cols() == g.input_size());
  resize_with_huge_pages(x_, x.rows(), x.cols());  // backward gathers the patches again
  resize_with_huge_pages(z_, x.rows(), g.positions() * options_.filters);
  resize_with_huge_pages(y_, x.rows(), g.positions() * options_.filters);
  ranges_.resize(static_cast<size_t>(internal::range_parts(x.rows())));
  internal::parallel_ranges(x.rows(), [&](int part, Eigen::Index first, Eigen::Index count) {
    x_.middleRows(first, count) = x.middleRows(first, count);
    forward_range(first, count, ranges_[static_cast<size_t>(part)]);
  });
  return y_;
}

// z = patches · kernel + bias and y = activation(z) (over the last axis: a
// softmax normalizes each position's filters) for the range's samples.
void Conv::forward_range(Eigen::Index first, Eigen::Index count, RangeScratch& scratch) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, positions = g.positions();
  const Eigen::Map<Matrix> kernel = value_matrix(kernel_, g.patch_size(), f);
  const Eigen::Index block = conv_block_samples(g, f), end = first + count;
  for (Eigen::Index b = first; b < end; b += block) {
    const Eigen::Index n = std::min(block, end - b);
    im2col(g, x_, b, n, scratch.cols);
    auto z = position_rows(z_, b, n, positions, f);
    gemm(scratch.cols, Op::kNone, kernel, Op::kNone, z);
    if (options_.use_bias) z.rowwise() += value_matrix(bias_, 1, f).row(0);
    activate_rows(options_.activation, z, position_rows(y_, b, n, positions, f));
  }
}

const Matrix& Conv::backward(const Matrix& dy, bool input_gradient) {
  assert(dy.rows() == y_.rows() && dy.cols() == y_.cols());
  return backward_ranges(dy, /*through_activation=*/true, input_gradient);
}

const Matrix& Conv::backward_linear(const Matrix& dz, bool input_gradient) {
  return backward_ranges(dz, /*through_activation=*/false, input_gradient);
}

const Matrix& Conv::backward_ranges(const Matrix& gradient, bool through_activation,
                                    bool input_gradient) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, patch = g.patch_size();
  const Eigen::Index batch = x_.rows();
  assert(gradient.rows() * gradient.cols() == batch * g.positions() * f);
  Eigen::Map<Matrix> d_kernel = gradient_matrix(kernel_, patch, f);
  if (input_gradient) resize_with_huge_pages(dx_, batch, g.input_size());
  const int parts = internal::range_parts(batch);
  ranges_.resize(static_cast<size_t>(parts));
  internal::parallel_ranges(batch, [&](int part, Eigen::Index first, Eigen::Index count) {
    RangeScratch& scratch = ranges_[static_cast<size_t>(part)];
    if (options_.use_bias) resize_with_huge_pages(scratch.d_bias, 1, f);
    if (part == 0) {
      return backward_range({gradient, through_activation, input_gradient, d_kernel}, first, count,
                            scratch);
    }
    resize_with_huge_pages(scratch.d_kernel, patch, f);
    backward_range({gradient, through_activation, input_gradient, scratch.d_kernel}, first, count,
                   scratch);
  });
  for (int part = 1; part < parts; ++part) d_kernel += ranges_[static_cast<size_t>(part)].d_kernel;
  if (options_.use_bias) {
    Eigen::Map<Matrix> d_bias = gradient_matrix(bias_, 1, f);
    d_bias = ranges_[0].d_bias;
    for (int part = 1; part < parts; ++part) d_bias += ranges_[static_cast<size_t>(part)].d_bias;
  }
  if (!input_gradient) {
    static const Matrix kNone;
    return kNone;
  }
  return dx_;
}

// For the range's samples: dL/dz (through the activation a block at a time
// into scratch.dz, or the given one), with a bias its column sums into
// scratch.d_bias, the range's share of the kernel gradient into `to.d_kernel`
// (zero for no samples) and, with input_gradient, the range's rows of dx_.
void Conv::backward_range(BackwardTo to, Eigen::Index first, Eigen::Index count,
                          RangeScratch& scratch) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, patch = g.patch_size(), positions = g.positions();
  const Eigen::Map<Matrix> kernel = value_matrix(kernel_, patch, f);
  if (count == 0) {
    to.d_kernel.setZero();
    if (options_.use_bias) scratch.d_bias.setZero();
  }
  const Eigen::Index block = conv_block_samples(g, f), end = first + count;
  for (Eigen::Index b = first; b < end; b += block) {
    const Eigen::Index n = std::min(block, end - b);
    const float beta = b == first ? 0.0f : 1.0f;
    const float* dz_data = to.gradient.data() + b * positions * f;
    if (to.through_activation) {
      resize_with_huge_pages(scratch.dz, n * positions, f);
      activation_backward_rows(options_.activation, position_rows(z_, b, n, positions, f),
                               position_rows(y_, b, n, positions, f),
                               position_rows(to.gradient, b, n, positions, f), scratch.dz);
      dz_data = scratch.dz.data();
    }
    const Eigen::Map<const Matrix> dz_block(dz_data, n * positions, f);
    if (options_.use_bias) {
      column_sums(dz_block, {scratch.d_bias.data(), static_cast<size_t>(f)}, 1.0f, beta);
    }
    im2col(g, x_, b, n, scratch.cols);
    gemm(scratch.cols, Op::kTranspose, dz_block, Op::kNone, to.d_kernel, 1.0f, beta);
    if (!to.input_gradient) continue;
    resize_with_huge_pages(scratch.dcols, n * positions, patch);
    gemm(dz_block, Op::kNone, kernel, Op::kTranspose, scratch.dcols);  // dz Kᵀ
    col2im(g, scratch.dcols, b, dx_);
  }
}

VariableRefs Conv::variables() {
  VariableRefs refs{&kernel_};
  if (options_.use_bias) refs.push_back(&bias_);
  return refs;
}

}  // namespace cairn::nn
