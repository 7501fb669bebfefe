// Sigmoid and tanh over arrays, and an LSTM step built on them: the loops
// that dominate a recurrent layer's time after its matrix products, compiled
// for several instruction sets (AVX-512, AVX2, baseline x86-64) and picked at
// load time for the CPU (GCC's target_clones, as optim/update_kernels.h does),
// while the rest of cairn stays baseline x86-64.
//
// Their own exp (range reduction and a polynomial) instead of libm's lets
// the loops vectorize; sigmoid and tanh stay within a few ulp of
// 1 / (1 + std::exp(-x)) and std::tanh (vector_activations_test.cc), keep NaN,
// and saturate to exactly 0 / ±1 at large |x|. The file is compiled without
// fused multiply-adds, so every instruction set gives the same bytes.
//
//   sigmoid_values(x.data(), y.data(), x.size());
//   lstm_step_forward({.gates = z, .c_prev = c0, .c = c, .tc = tc, .h = h,
//                      .rows = batch, .units = units});   // z becomes the activations
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::nn::internal {

// y[i] = 1 / (1 + exp(-x[i])) and y[i] = tanh(x[i]); y may be x.
void sigmoid_values(const float* x, float* y, size_t n);
void tanh_values(const float* x, float* y, size_t n);

// One LSTM step with Keras's default activations (sigmoid gates, tanh
// candidate and output) on `rows` rows of `units` units, every array
// row-major and dense: gates [rows, 4 units] (i, f, g, o side by side), the
// others [rows, units]. Given z = x W + h₋ U + b in `gates` and c_prev,
// replaces z by the activations a in place and sets c, tc and h:
//   a = [σ(z_i) σ(z_f) tanh(z_g) σ(z_o)];  c = f c_prev + i g;  tc = tanh(c);  h = o tc
struct LstmStepForward {
  float* gates = nullptr;
  const float* c_prev = nullptr;
  float* c = nullptr;
  float* tc = nullptr;
  float* h = nullptr;
  int64_t rows = 0;
  int64_t units = 0;
};
void lstm_step_forward(const LstmStepForward& step);

// The step's gradients given the forward's a, c_prev and tc, and dL/dh, dL/dc
// of its outputs: dL/dz into dz [rows, 4 units] and dL/dc_prev into dc_prev.
struct LstmStepBackward {
  const float* a = nullptr;
  const float* c_prev = nullptr;
  const float* tc = nullptr;
  const float* dh = nullptr;
  const float* dc = nullptr;
  float* dz = nullptr;
  float* dc_prev = nullptr;
  int64_t rows = 0;
  int64_t units = 0;
};
void lstm_step_backward(const LstmStepBackward& step);

}  // namespace cairn::nn::internal
