// Built with -fno-math-errno (sqrt vectorizes) and -ffp-contract=off (see
// update_kernels.h); src/CMakeLists.txt sets both for this file.
#include "optim/update_kernels.h"

#include <cassert>
#include <cmath>
#include <cstddef>

// One version per instruction set, chosen when the program is loaded.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CAIRN_CPU_DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CAIRN_CPU_DISPATCH
#endif

namespace cairn::optim::internal {
namespace {

CAIRN_CPU_DISPATCH void adam_loop(float* __restrict var, float* __restrict m, float* __restrict v,
                                  const float* __restrict g, size_t n, float lr_t,
                                  float one_minus_beta1, float one_minus_beta2, float epsilon) {
  for (size_t i = 0; i < n; ++i) {
    const float mi = m[i] + (g[i] - m[i]) * one_minus_beta1;
    const float vi = v[i] + (g[i] * g[i] - v[i]) * one_minus_beta2;
    m[i] = mi;
    v[i] = vi;
    var[i] -= lr_t * mi / (std::sqrt(vi) + epsilon);
  }
}

CAIRN_CPU_DISPATCH void sgd_loop(float* __restrict var, const float* __restrict g, size_t n,
                                 float learning_rate) {
  for (size_t i = 0; i < n; ++i) var[i] -= learning_rate * g[i];
}

}  // namespace

void adam_update(std::span<float> var, std::span<float> m, std::span<float> v,
                 std::span<const float> g, float lr_t, float one_minus_beta1, float one_minus_beta2,
                 float epsilon) {
  assert(m.size() == var.size() && v.size() == var.size() && g.size() == var.size());
  adam_loop(var.data(), m.data(), v.data(), g.data(), var.size(), lr_t, one_minus_beta1,
            one_minus_beta2, epsilon);
}

void sgd_update(std::span<float> var, std::span<const float> g, float learning_rate) {
  assert(g.size() == var.size());
  sgd_loop(var.data(), g.data(), var.size(), learning_rate);
}

}  // namespace cairn::optim::internal
