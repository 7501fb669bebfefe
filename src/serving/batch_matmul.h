// Internal to serving: the batched matrix product of BatchMatMulV2 and
// Einsum, with numpy broadcasting over the batch axes, on Eigen's GEMM.
//
//   // [2, 1, 3, 4] x [5, 4, 6] -> [2, 5, 3, 6]
//   CAIRN_ASSIGN_OR_RETURN(Tensor z, batch_matmul(ctx, x, y, false, false));
#pragma once

#include "cairn/core/tensor.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {

// x [..., m, k] times y [..., k, n] (each matrix transposed first when its
// adjoint flag is set), the `...` batch axes broadcast. Operands of rank 2 or
// more and one dtype of float32, float64, int32 or int64; INVALID_ARGUMENT
// naming the node and both shapes otherwise.
Result<Tensor> batch_matmul(const KernelContext& ctx, const Tensor& x, const Tensor& y, bool adj_x,
                            bool adj_y);

}  // namespace cairn::serving::internal
