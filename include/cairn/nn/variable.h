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

}  // namespace cairn::nn
