// MaxPool (float32, float64, int32, int64, uint8) and AvgPool (float32,
// float64) on NHWC inputs with SAME/VALID padding. Padding never enters a
// window: MaxPool takes the largest element inside the input, and AvgPool
// divides by the count of those elements, as TensorFlow does.
#include <algorithm>
#include <limits>
#include <vector>

#include "serving/kernel.h"
#include "serving/window.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

// The window from attr ksize ([1, rows, cols, 1]) on the one input.
Result<Window2D> pool_window(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const std::vector<int64_t> ksize = ctx.int_list_attr("ksize");
  if (ksize.size() != 4 || ksize[0] != 1 || ksize[3] != 1) {
    return ctx.invalid("attr ksize must be [1, rows, cols, 1]");
  }
  return window_2d(ctx, ctx.inputs[0]->shape(), {ksize[1], ksize[2]}, false);
}

// For each output pixel: `reduce(acc, row)` over the in-input rows of C
// channels under its window, then `finish(acc, count)` into the output.
template <typename T, typename Acc, typename Reduce, typename Finish>
void pool(const Tensor& x, const Window2D& w, Tensor& out, Acc init, Reduce reduce, Finish finish) {
  const int64_t c = w.channels;
  const T* in = x.flat<T>().data();
  T* dst = out.flat<T>().data();
  std::vector<Acc> acc(static_cast<size_t>(c));
  for (int64_t n = 0; n < w.batch; ++n) {
    for (int64_t oy = 0; oy < w.rows.out; ++oy) {
      for (int64_t ox = 0; ox < w.cols.out; ++ox, dst += c) {
        std::fill(acc.begin(), acc.end(), init);
        int64_t count = 0;
        for (int64_t ky = 0; ky < w.rows.size; ++ky) {
          const int64_t iy = w.rows.at(oy, ky);
          for (int64_t kx = 0; kx < w.cols.size; ++kx) {
            const int64_t ix = w.cols.at(ox, kx);
            if (iy < 0 || iy >= w.rows.in || ix < 0 || ix >= w.cols.in) continue;
            const T* row = in + ((n * w.rows.in + iy) * w.cols.in + ix) * c;
            for (int64_t k = 0; k < c; ++k)
              acc[static_cast<size_t>(k)] = reduce(acc[static_cast<size_t>(k)], row[k]);
            ++count;
          }
        }
        for (int64_t k = 0; k < c; ++k) dst[k] = finish(acc[static_cast<size_t>(k)], count);
      }
    }
  }
}

Outputs max_pool(const KernelContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Window2D w, pool_window(ctx));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         ctx.output(x.dtype(), {w.batch, w.rows.out, w.cols.out, w.channels}));
  return visit_real(ctx, x.dtype(), [&]<typename T>() -> Outputs {
    const T lowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                          : std::numeric_limits<T>::lowest();
    pool<T, T>(
        x, w, out, lowest, [](T a, T v) { return std::max(a, v); }, [](T a, int64_t) { return a; });
    return std::vector<Tensor>{std::move(out)};
  });
}

Outputs avg_pool(const KernelContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Window2D w, pool_window(ctx));
  const Tensor& x = *ctx.inputs[0];
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         ctx.output(x.dtype(), {w.batch, w.rows.out, w.cols.out, w.channels}));
  return visit_floating(ctx, x.dtype(), [&]<typename T>() -> Outputs {
    pool<T, double>(
        x, w, out, 0.0, [](double a, T v) { return a + v; },
        [](double a, int64_t count) { return static_cast<T>(count == 0 ? 0 : a / count); });
    return std::vector<Tensor>{std::move(out)};
  });
}

}  // namespace

void register_pool_kernels(KernelTable& table) {
  table["MaxPool"] = max_pool;
  table["AvgPool"] = avg_pool;
}

}  // namespace cairn::serving::internal
