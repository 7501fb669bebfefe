// Conv2D on NHWC inputs and HWIO filters (float32, float64, int32), with
// strides, dilations and SAME/VALID padding: per image, im2col gathers
// every output position's receptive field into a row of a patch matrix
// (zeros where the window hangs over the padding), and one Eigen GEMM with
// the filter, read as a [rows * cols * in, out] matrix, gives the output.

#include <Eigen/Core>

#include "serving/broadcast.h"
#include "serving/eigen_row_major.h"
#include "serving/kernel.h"
#include "serving/window.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// Fills `patches` ([out rows * out cols, window rows * window cols * C]) from
// image `n` of `x`.
template <typename T>
void im2col(const Tensor& x, int64_t n, const Window2D& w, T* patches) {
  const T* image = x.flat<T>().data() + n * w.rows.in * w.cols.in * w.channels;
  const int64_t c = w.channels;
  for (int64_t oy = 0; oy < w.rows.out; ++oy) {
    for (int64_t ox = 0; ox < w.cols.out; ++ox) {
      for (int64_t ky = 0; ky < w.rows.size; ++ky) {
        const int64_t iy = w.rows.at(oy, ky);
        for (int64_t kx = 0; kx < w.cols.size; ++kx, patches += c) {
          const int64_t ix = w.cols.at(ox, kx);
          if (iy < 0 || iy >= w.rows.in || ix < 0 || ix >= w.cols.in) {
            std::fill(patches, patches + c, T{0});
          } else {
            std::copy_n(image + (iy * w.cols.in + ix) * c, c, patches);
          }
        }
      }
    }
  }
}

// Calls f.template operator()<T>() for the dtypes Conv2D computes in.
template <typename F>
Outputs visit_conv(const KernelContext& ctx, DType dtype, F&& f) {
  if (dtype == DType::kInt32) return f.template operator()<int32_t>();
  return visit_floating(ctx, dtype, std::forward<F>(f));
}

Outputs conv2d(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  const Tensor& x = *ctx.inputs[0];
  const Tensor& filter = *ctx.inputs[1];
  const TensorShape& f = filter.shape();
  if (f.rank() != 4 || x.dtype() != filter.dtype() ||
      (x.shape().rank() == 4 && f.dim(2) != x.shape().dim(3))) {
    return ctx.invalid(
        "filter " + f.to_string() + " does not fit input " + x.shape().to_string() +
        " (it must be [rows, cols, in_channels, out_channels] of the input's dtype)");
  }
  CAIRN_ASSIGN_OR_RETURN(Window2D w, window_2d(ctx, x.shape(), {f.dim(0), f.dim(1)}, true));
  const int64_t positions = w.rows.out * w.cols.out, depth = f.dim(0) * f.dim(1) * f.dim(2);
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         ctx.output(x.dtype(), {w.batch, w.rows.out, w.cols.out, f.dim(3)}));
  if (out.num_elements() == 0) return std::vector<Tensor>{std::move(out)};
  // Held to the run's budget like an output: it is depth times the image.
  CAIRN_ASSIGN_OR_RETURN(Tensor patches, ctx.output(x.dtype(), {positions, depth}));
  return visit_conv(ctx, x.dtype(), [&]<typename T>() -> Outputs {
    using U = typename Wrapping<T>::type;  // int32 products wrap, as TensorFlow's
    Eigen::Map<const RowMajorMatrix<U>> kernel(reinterpret_cast<const U*>(filter.flat<T>().data()),
                                               depth, f.dim(3));
    T* rows = patches.flat<T>().data();
    for (int64_t n = 0; n < w.batch; ++n) {
      im2col<T>(x, n, w, rows);
      Eigen::Map<RowMajorMatrix<U>> image(
          reinterpret_cast<U*>(out.flat<T>().data()) + n * positions * f.dim(3), positions,
          f.dim(3));
      image.noalias() =
          Eigen::Map<const RowMajorMatrix<U>>(reinterpret_cast<const U*>(rows), positions, depth) *
          kernel;
    }
    return std::vector<Tensor>{std::move(out)};
  });
}

}  // namespace

void register_conv_kernels(KernelTable& table) { table["Conv2D"] = conv2d; }

}  // namespace cairn::serving::internal
