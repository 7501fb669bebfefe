#include "cairn/nn/variable_matrix.h"

#include <cassert>
#include <utility>

namespace cairn::nn {

Variable make_variable(std::string name, TensorShape shape) {
  Tensor value(DType::kFloat32, shape);
  return Variable{.name = std::move(name),
                  .value = std::move(value),
                  .gradient = Tensor(DType::kFloat32, std::move(shape))};
}

Eigen::Map<Matrix> value_matrix(Variable& v, Eigen::Index rows, Eigen::Index cols) {
  assert(v.value.num_elements() == rows * cols);
  return Eigen::Map<Matrix>(v.value.flat<float>().data(), rows, cols);
}

Eigen::Map<Matrix> gradient_matrix(Variable& v, Eigen::Index rows, Eigen::Index cols) {
  if (!(v.gradient.shape() == v.value.shape()) || v.gradient.dtype() != DType::kFloat32) {
    v.gradient = Tensor(DType::kFloat32, v.value.shape());
  }
  assert(v.gradient.num_elements() == rows * cols);
  return Eigen::Map<Matrix>(v.gradient.flat<float>().data(), rows, cols);
}

MatrixMap gradient_of(Variable& v) {
  gradient_matrix(v, 1, v.value.num_elements());
  return as_matrix(v.gradient);
}

}  // namespace cairn::nn
