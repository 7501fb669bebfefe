#include "cairn/nn/conv.h"

#include <cassert>

#include "cairn/core/errors.h"
#include "cairn/nn/activation_last_axis.h"
#include "cairn/nn/gemm.h"

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

const Matrix& Conv::forward(const Matrix& x) {
  const ConvGeometry& g = options_.geometry;
  assert(x.cols() == g.input_size());
  im2col(g, x, cols_);
  const int64_t f = options_.filters;
  resize_with_huge_pages(z_, x.rows(), g.positions() * f);
  // z viewed as [batch * positions, filters]: NHWC rows are exactly that.
  Eigen::Map<Matrix> z(z_.data(), cols_.rows(), f);
  if (options_.use_bias) z.rowwise() = value_matrix(bias_, 1, f).row(0);
  gemm(cols_, Op::kNone, value_matrix(kernel_, g.patch_size(), f), Op::kNone, z, 1.0f,
       options_.use_bias ? 1.0f : 0.0f);
  activate_last_axis(options_.activation, z_, options_.filters, y_);
  return y_;
}

const Matrix& Conv::backward(const Matrix& dy, bool input_gradient) {
  activation_backward_last_axis(options_.activation, z_, y_, dy, options_.filters, dz_);
  return backward_linear(dz_, input_gradient);
}

const Matrix& Conv::backward_linear(const Matrix& dz_rows, bool input_gradient) {
  const ConvGeometry& g = options_.geometry;
  const int64_t f = options_.filters, patch = g.patch_size();
  assert(dz_rows.rows() * dz_rows.cols() == cols_.rows() * f);
  const Eigen::Map<const Matrix> dz(dz_rows.data(), cols_.rows(), f);
  gemm(cols_, Op::kTranspose, dz, Op::kNone, gradient_matrix(kernel_, patch, f));  // colsᵀ dz
  if (options_.use_bias) {
    gradient_matrix(bias_, 1, f);
    column_sums(dz, bias_.gradient.flat<float>());
  }
  if (!input_gradient) {
    static const Matrix kNone;
    return kNone;
  }
  resize_with_huge_pages(dcols_, cols_.rows(), patch);
  gemm(dz, Op::kNone, value_matrix(kernel_, patch, f), Op::kTranspose, dcols_);  // dz Kᵀ
  col2im(g, dcols_, dx_);
  return dx_;
}

VariableRefs Conv::variables() {
  VariableRefs refs{&kernel_};
  if (options_.use_bias) refs.push_back(&bias_);
  return refs;
}

}  // namespace cairn::nn
