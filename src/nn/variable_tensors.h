// Making a layer's float32 variables and reaching their gradients as
// matrices: shared by the layers of nn (Dense, Recurrent).
#pragma once

#include <string>
#include <utility>

#include "cairn/nn/matrix.h"
#include "cairn/nn/variable.h"

namespace cairn::nn::internal {

// A float32 variable of `shape` (contents undefined) with a gradient of the same shape.
inline Variable make_variable(std::string name, TensorShape shape) {
  Tensor value(DType::kFloat32, shape);
  return Variable{.name = std::move(name),
                  .value = std::move(value),
                  .gradient = Tensor(DType::kFloat32, std::move(shape))};
}

// The gradient tensor of `v`, reallocated if a restore replaced the value
// with one of another shape.
inline MatrixMap gradient_of(Variable& v) {
  if (!(v.gradient.shape() == v.value.shape()) || v.gradient.dtype() != DType::kFloat32) {
    v.gradient = Tensor(DType::kFloat32, v.value.shape());
  }
  return as_matrix(v.gradient);
}

}  // namespace cairn::nn::internal
