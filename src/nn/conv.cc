#include "cairn/nn/conv.h"

#include <algorithm>
#include <cassert>

#include "cairn/core/errors.h"
#include "cairn/nn/activation_last_axis.h"
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

// The samples whose patches im2col gathers at a time: about 1 MiB of
// patches, so that they stay in cache from im2col to the products that read
// them instead of a whole batch's going out to memory and back.
constexpr int64_t kConvBlockBytes = int64_t{1} << 20;

Eigen::Index conv_block_samples(const ConvGeometry& g) {
  const int64_t sample_bytes =
      std::max<int64_t>(g.positions() * g.patch_size() * int64_t{sizeof(float)}, 1);
  return std::max<int64_t>(1, kConvBlockBytes / sample_bytes);
}

}  // namespace

const Matrix& Conv::forward(const Matrix& x) {
  const ConvGeometry& g = options_.geometry;
  assert(x.cols() == g.input_size());
  resize_with_huge_pages(x_, x.rows(), x.cols());  // backward gathers the patches again
  resize_with_huge_pages(z_, x.rows(), g.positions() * options_.filters);
  ranges_.resize(static_cast<size_t>(internal::range_parts(x.rows())));
  internal::parallel_ranges(x.rows(), [&](int part, Eigen::Index first, Eigen::Index count) {
    x_.middleRows(first, count) = x.middleRows(first, count);
    forward_range(first, count, ranges_[static_cast<size_t>(part)]);
  });
  activate_last_axis(options_.activation, z_, options_.filters, y_);
  return y_;
}

void Conv::forward_range(Eigen::Index first, Eigen::Index count, RangeScratch& scratch) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, positions = g.positions();
  const Eigen::Map<Matrix> kernel = value_matrix(kernel_, g.patch_size(), f);
  const Eigen::Index block = conv_block_samples(g), end = first + count;
  for (Eigen::Index b = first; b < end; b += block) {
    const Eigen::Index n = std::min(block, end - b);
    im2col(g, x_, b, n, scratch.cols);
    // The block's rows of z viewed as [n * positions, filters]: NHWC rows are exactly that.
    Eigen::Map<Matrix> z(z_.data() + b * positions * f, n * positions, f);
    if (options_.use_bias) z.rowwise() = value_matrix(bias_, 1, f).row(0);
    gemm(scratch.cols, Op::kNone, kernel, Op::kNone, z, 1.0f, options_.use_bias ? 1.0f : 0.0f);
  }
}

const Matrix& Conv::backward(const Matrix& dy, bool input_gradient) {
  activation_backward_last_axis(options_.activation, z_, y_, dy, options_.filters, dz_);
  return backward_linear(dz_, input_gradient);
}

const Matrix& Conv::backward_linear(const Matrix& dz_rows, bool input_gradient) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, patch = g.patch_size(), positions = g.positions();
  const Eigen::Index batch = x_.rows();
  assert(dz_rows.rows() * dz_rows.cols() == batch * positions * f);
  const Eigen::Map<const Matrix> dz(dz_rows.data(), batch * positions, f);
  Eigen::Map<Matrix> d_kernel = gradient_matrix(kernel_, patch, f);
  if (options_.use_bias) {
    gradient_matrix(bias_, 1, f);
    column_sums(dz, bias_.gradient.flat<float>());
  }
  if (input_gradient) resize_with_huge_pages(dx_, batch, g.input_size());
  const int parts = internal::range_parts(batch);
  ranges_.resize(static_cast<size_t>(parts));
  internal::parallel_ranges(batch, [&](int part, Eigen::Index first, Eigen::Index count) {
    RangeScratch& scratch = ranges_[static_cast<size_t>(part)];
    if (part == 0) return backward_range(dz, first, count, input_gradient, d_kernel, scratch);
    resize_with_huge_pages(scratch.d_kernel, patch, f);
    backward_range(dz, first, count, input_gradient, scratch.d_kernel, scratch);
  });
  for (int part = 1; part < parts; ++part) d_kernel += ranges_[static_cast<size_t>(part)].d_kernel;
  if (!input_gradient) {
    static const Matrix kNone;
    return kNone;
  }
  return dx_;
}

// Sets d_kernel to the range's share of the kernel gradient (zero for no
// samples) and, with input_gradient, the range's rows of dx_.
void Conv::backward_range(const Eigen::Map<const Matrix>& dz, Eigen::Index first,
                          Eigen::Index count, bool input_gradient, Eigen::Ref<Matrix> d_kernel,
                          RangeScratch& scratch) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, patch = g.patch_size(), positions = g.positions();
  const Eigen::Map<Matrix> kernel = value_matrix(kernel_, patch, f);
  if (count == 0) d_kernel.setZero();
  const Eigen::Index block = conv_block_samples(g), end = first + count;
  for (Eigen::Index b = first; b < end; b += block) {
    const Eigen::Index n = std::min(block, end - b);
    const auto dz_block = dz.middleRows(b * positions, n * positions);
    im2col(g, x_, b, n, scratch.cols);
    gemm(scratch.cols, Op::kTranspose, dz_block, Op::kNone, d_kernel, 1.0f,  // += colsᵀ dz
         b == first ? 0.0f : 1.0f);
    if (!input_gradient) continue;
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
