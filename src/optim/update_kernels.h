// The optimizers' element-wise update loops that dominate a training step
// after the matrix products, compiled for several instruction sets (AVX-512,
// AVX2, baseline x86-64) and picked at load time for the CPU (GCC's
// target_clones), while the rest of cairn stays baseline x86-64.
//
// Each element sees the same IEEE operations in the same order whichever
// version runs (this file is compiled with -ffp-contract=off: no fused
// multiply-adds), so a run gives the same bytes on every x86-64 CPU; the square
// root is the exact one, not an approximation. (Memory-bound: a second
// thread adds nothing on a machine whose bandwidth one core saturates.)
//
//   adam_update(var, m, v, g, lr_t, 1.0f - beta1, 1.0f - beta2, epsilon);
//   sgd_update(var, g, learning_rate);
#pragma once

#include <span>

namespace cairn::optim::internal {

// TensorFlow's ApplyAdam given lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t):
//   m += (g - m) one_minus_beta1;  v += (g² - v) one_minus_beta2
//   var -= lr_t m / (sqrt(v) + epsilon)
// All spans have the same size.
void adam_update(std::span<float> var, std::span<float> m, std::span<float> v,
                 std::span<const float> g, float lr_t, float one_minus_beta1, float one_minus_beta2,
                 float epsilon);

// var -= learning_rate g.
void sgd_update(std::span<float> var, std::span<const float> g, float learning_rate);

}  // namespace cairn::optim::internal
