// Variables seen as matrices, and made with their gradient tensors: what a
// layer of any kernel rank (a convolution's [kh, kw, in, out]) needs to run
// its products on a variable's memory without copying it.
//
//   nn::Variable kernel = nn::make_variable("conv2d/kernel", {3, 3, 1, 32});
//   auto w = nn::value_matrix(kernel, 9, 32);        // [kh*kw*in, filters] view
//   auto dw = nn::gradient_matrix(kernel, 9, 32);    // its gradient, same shape
#pragma once

#include <string>

#include "cairn/nn/matrix.h"
#include "cairn/nn/variable.h"

namespace cairn::nn {

// A trainable float32 variable of this shape, with a gradient tensor beside it.
Variable make_variable(std::string name, TensorShape shape);

// A variable's value or gradient seen as a row-major [rows, cols] matrix,
// whatever its rank (rows * cols must be its element count). The gradient is
// reallocated first if a restore gave the value another shape.
Eigen::Map<Matrix> value_matrix(Variable& v, Eigen::Index rows, Eigen::Index cols);
Eigen::Map<Matrix> gradient_matrix(Variable& v, Eigen::Index rows, Eigen::Index cols);

// The gradient of a variable of rank 0 to 2 as as_matrix() sees it (a bias
// [n] is one row), reallocated first as gradient_matrix() does.
MatrixMap gradient_of(Variable& v);

}  // namespace cairn::nn
