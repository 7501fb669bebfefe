// Views nn::Recurrent (recurrent.h) reads its sequences through: the rows of
// one timestep inside a batch-major matrix, without copying.
#pragma once

#include "cairn/nn/matrix.h"

namespace cairn::nn::internal {

using StepView = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
using ConstStepView = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

// Step s of every sample in `data`, a [batch, steps · cols] matrix (equally
// [batch · steps, cols]): a [batch, cols] view whose rows are `steps · cols` apart.
inline StepView step_rows(float* data, Eigen::Index s, Eigen::Index batch, Eigen::Index steps,
                          Eigen::Index cols) {
  return StepView(data + s * cols, batch, cols, Eigen::OuterStride<>(steps * cols));
}
inline ConstStepView step_rows(const float* data, Eigen::Index s, Eigen::Index batch,
                               Eigen::Index steps, Eigen::Index cols) {
  return ConstStepView(data + s * cols, batch, cols, Eigen::OuterStride<>(steps * cols));
}

}  // namespace cairn::nn::internal
