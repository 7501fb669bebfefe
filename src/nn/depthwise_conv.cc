#include "cairn/nn/depthwise_conv.h"

#include <cassert>

#include "cairn/core/errors.h"
#include "cairn/nn/activation_last_axis.h"
#include "cairn/nn/gemm.h"

namespace cairn::nn {

DepthwiseConv::DepthwiseConv(DepthwiseConvOptions options) : options_(std::move(options)) {
  const ConvGeometry& g = options_.geometry;
  if (options_.depth_multiplier < 1 || g.channels < 1 || g.height.kernel < 1 ||
      g.width.kernel < 1) {
    throw InvalidArgumentError("DepthwiseConv layer " + options_.name + ": sizes must be positive");
  }
  kernel_ = make_variable(options_.name + "/depthwise_kernel",
                          {g.height.kernel, g.width.kernel, g.channels, options_.depth_multiplier});
  if (options_.use_bias) bias_ = make_variable(options_.name + "/bias", {output_channels()});
}

// z[p, c*M + m] = sum over kernel taps k of patch[p, k*C + c] * W[k*C + c, m],
// for each patch row p: one pass over the patch, contiguous in W and z.
const Matrix& DepthwiseConv::forward(const Matrix& x) {
  const ConvGeometry& g = options_.geometry;
  assert(x.cols() == g.input_size());
  im2col(g, x, cols_);
  const int64_t c = g.channels, m = options_.depth_multiplier, out = output_channels();
  const int64_t patch = g.patch_size();
  resize_with_huge_pages(z_, x.rows(), g.positions() * out);
  Eigen::Map<Matrix> z(z_.data(), cols_.rows(), out);
  if (options_.use_bias) {
    z.rowwise() = value_matrix(bias_, 1, out).row(0);
  } else {
    z.setZero();
  }
  const float* w = kernel_.value.flat<float>().data();
  for (Eigen::Index p = 0; p < cols_.rows(); ++p) {
    const float* in = cols_.data() + p * patch;
    float* zp = z.data() + p * out;
    for (int64_t kc = 0; kc < patch; ++kc) {
      const float v = in[kc];
      float* zc = zp + (kc % c) * m;
      const float* wk = w + kc * m;
      for (int64_t j = 0; j < m; ++j) zc[j] += v * wk[j];
    }
  }
  activate_last_axis(options_.activation, z_, output_channels(), y_);
  return y_;
}

const Matrix& DepthwiseConv::backward(const Matrix& dy) {
  activation_backward_last_axis(options_.activation, z_, y_, dy, output_channels(), dz_);
  return backward_linear(dz_);
}

const Matrix& DepthwiseConv::backward_linear(const Matrix& dz_rows) {
  const ConvGeometry& g = options_.geometry;
  const int64_t c = g.channels, m = options_.depth_multiplier, out = output_channels();
  const int64_t patch = g.patch_size();
  const Eigen::Map<const Matrix> dz(dz_rows.data(), cols_.rows(), out);
  resize_with_huge_pages(dcols_, cols_.rows(), patch);
  Eigen::Map<Matrix> dw = gradient_matrix(kernel_, patch, m);
  dw.setZero();
  const float* w = kernel_.value.flat<float>().data();
  for (Eigen::Index p = 0; p < cols_.rows(); ++p) {
    const float* in = cols_.data() + p * patch;
    const float* dzp = dz.data() + p * out;
    float* dcol = dcols_.data() + p * patch;
    for (int64_t kc = 0; kc < patch; ++kc) {
      const float* dzc = dzp + (kc % c) * m;
      const float* wk = w + kc * m;
      float* dwk = dw.data() + kc * m;
      float sum = 0.0f;
      for (int64_t j = 0; j < m; ++j) {
        sum += dzc[j] * wk[j];
        dwk[j] += in[kc] * dzc[j];
      }
      dcol[kc] = sum;
    }
  }
  if (options_.use_bias) {
    gradient_matrix(bias_, 1, out);
    column_sums(dz, bias_.gradient.flat<float>());
  }
  col2im(g, dcols_, dx_);
  return dx_;
}

VariableRefs DepthwiseConv::variables() {
  VariableRefs refs{&kernel_};
  if (options_.use_bias) refs.push_back(&bias_);
  return refs;
}

}  // namespace cairn::nn
