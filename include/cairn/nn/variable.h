// Variable: a named tensor that a model trains or tracks, named the way
// TensorFlow names it in a checkpoint ("dnn/hiddenlayer_0/kernel",
// "global_step"). Layers and optimizers expose their variables by name and
// know nothing about files; the checkpoint layer saves and restores them.
//
//   cairn::nn::Variable v{"dnn/logits/bias", cairn::Tensor(cairn::DType::kFloat32, {3})};
//   v.gradient = cairn::Tensor(cairn::DType::kFloat32, {3});
#pragma once

#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/nn/matrix.h"

namespace cairn::nn {

struct Variable {
  std::string name;
  Tensor value;
  bool trainable = true;
  // Same dtype and shape as value; filled by backward(), read by optimizers.
  Tensor gradient;
};

// Borrowed pointers to variables owned by layers or optimizers.
using VariableRefs = std::vector<Variable*>;

// A trainable float32 variable of this shape, with a gradient tensor beside it.
Variable make_variable(std::string name, TensorShape shape);

// A variable's value or gradient seen as a row-major [rows, cols] matrix,
// whatever its rank (rows * cols must be its element count). The gradient is
// reallocated first if a restore gave the value another shape.
Eigen::Map<Matrix> value_matrix(Variable& v, Eigen::Index rows, Eigen::Index cols);
Eigen::Map<Matrix> gradient_matrix(Variable& v, Eigen::Index rows, Eigen::Index cols);

}  // namespace cairn::nn
