// Batched GEMM: one Eigen product per output matrix, each operand's matrix
// found through a BroadcastWalk over the batch axes.
#include "serving/batch_matmul.h"

#include <Eigen/Core>
#include <vector>

#include "serving/broadcast.h"
#include "serving/eigen_row_major.h"

namespace cairn::serving::internal {
namespace {

// The shape of `t` without its last two axes.
TensorShape batch_shape(const Tensor& t) {
  const std::vector<int64_t>& dims = t.shape().dims();
  return TensorShape(std::vector<int64_t>(dims.begin(), dims.end() - 2));
}

int64_t dim_from_end(const Tensor& t, int k) { return t.shape().dim(t.shape().rank() - k); }

// Integer products wrap (Wrapping<T>), as TensorFlow's do.
template <typename T>
void multiply(const Tensor& x, const Tensor& y, bool adj_x, bool adj_y, Tensor& out) {
  using U = typename Wrapping<T>::type;
  const auto* xs = reinterpret_cast<const U*>(x.flat<T>().data());
  const auto* ys = reinterpret_cast<const U*>(y.flat<T>().data());
  auto* zs = reinterpret_cast<U*>(out.flat<T>().data());
  const int64_t xr = dim_from_end(x, 2), xc = dim_from_end(x, 1);
  const int64_t yr = dim_from_end(y, 2), yc = dim_from_end(y, 1);
  const int64_t m = dim_from_end(out, 2), n = dim_from_end(out, 1);
  const TensorShape xb = batch_shape(x), yb = batch_shape(y), ob = batch_shape(out);
  BroadcastWalk walk(ob.dims(), {&xb, &yb});
  for (int64_t b = 0; b < ob.num_elements(); ++b, walk.next()) {
    Eigen::Map<const RowMajorMatrix<U>> a(xs + walk[0] * xr * xc, xr, xc);
    Eigen::Map<const RowMajorMatrix<U>> c(ys + walk[1] * yr * yc, yr, yc);
    Eigen::Map<RowMajorMatrix<U>> z(zs + b * m * n, m, n);
    if (adj_x && adj_y) {
      z.noalias() = a.transpose() * c.transpose();
    } else if (adj_x) {
      z.noalias() = a.transpose() * c;
    } else if (adj_y) {
      z.noalias() = a * c.transpose();
    } else {
      z.noalias() = a * c;
    }
  }
}

}  // namespace

Result<Tensor> batch_matmul(const KernelContext& ctx, const Tensor& x, const Tensor& y, bool adj_x,
                            bool adj_y) {
  const auto bad = [&] {
    return ctx.invalid("cannot multiply " + x.shape().to_string() + (adj_x ? " adjoint" : "") +
                       " by " + y.shape().to_string() + (adj_y ? " adjoint" : ""));
  };
  if (x.shape().rank() < 2 || y.shape().rank() < 2 || x.dtype() != y.dtype()) return bad();
  const int64_t m = dim_from_end(x, adj_x ? 1 : 2), k = dim_from_end(x, adj_x ? 2 : 1);
  const int64_t n = dim_from_end(y, adj_y ? 2 : 1);
  if (dim_from_end(y, adj_y ? 1 : 2) != k) return bad();
  const TensorShape xb = batch_shape(x), yb = batch_shape(y);
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcast_dims(ctx, {&xb, &yb}));
  dims.insert(dims.end(), {m, n});
  return visit_numeric(ctx, x.dtype(), [&]<typename T>() -> Result<Tensor> {
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(x.dtype(), TensorShape(dims)));
    // With no inner dimension the product stays all zeros.
    if (out.num_elements() > 0 && k > 0) multiply<T>(x, y, adj_x, adj_y, out);
    return out;
  });
}

}  // namespace cairn::serving::internal
