// The CPU-dispatched update loops against the plain per-element formulas
// (what any instruction set must compute, bit for bit), and denormals flushed
// to zero during apply_gradients, as TensorFlow runs its ops.
#include "optim/update_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "cairn/optim/optimizer.h"
#include "optim/flush_denormals.h"
#include "optim/optimizer_test_util.h"

namespace cairn::optim {
namespace {

std::vector<float> random_values(size_t n, uint64_t seed, float lo, float hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = uniform(rng);
  return v;
}

// Sizes around every vector width, so both the vector body and the tail run.
constexpr size_t kSizes[] = {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 1000, 4099};

TEST(UpdateKernelsTest, AdamEqualsThePlainFormula) {
  const float lr_t = 0.0123f, b1 = 0.1f, b2 = 0.001f, eps = 1e-7f;
  for (size_t n : kSizes) {
    SCOPED_TRACE(n);
    std::vector<float> var = random_values(n, 1, -1, 1), m = random_values(n, 2, -0.1f, 0.1f),
                       v = random_values(n, 3, 0, 0.01f);
    const std::vector<float> g = random_values(n, 4, -1, 1);
    std::vector<float> var_ref = var, m_ref = m, v_ref = v;
    for (size_t i = 0; i < n; ++i) {
      volatile float mi = m_ref[i] + (g[i] - m_ref[i]) * b1;  // volatile: no contraction
      volatile float g2 = g[i] * g[i];
      volatile float vi = v_ref[i] + (g2 - v_ref[i]) * b2;
      volatile float step = lr_t * mi;
      m_ref[i] = mi, v_ref[i] = vi;
      var_ref[i] -= step / (std::sqrt(static_cast<float>(vi)) + eps);
    }
    internal::adam_update(var, m, v, g, lr_t, b1, b2, eps);
    EXPECT_EQ(var, var_ref);
    EXPECT_EQ(m, m_ref);
    EXPECT_EQ(v, v_ref);
  }
}

TEST(UpdateKernelsTest, SgdEqualsThePlainFormula) {
  for (size_t n : kSizes) {
    SCOPED_TRACE(n);
    std::vector<float> var = random_values(n, 5, -1, 1);
    const std::vector<float> g = random_values(n, 6, -1, 1);
    std::vector<float> expected = var;
    for (size_t i = 0; i < n; ++i) {
      volatile float step = 0.03f * g[i];
      expected[i] -= step;
    }
    internal::sgd_update(var, g, 0.03f);
    EXPECT_EQ(var, expected);
  }
}

TEST(UpdateKernelsTest, ApplyGradientsFlushesDenormalsAndRestoresTheFlags) {
  const float tiny = std::numeric_limits<float>::denorm_min() * 1000;  // a denormal
  ASSERT_EQ(std::fpclassify(tiny), FP_SUBNORMAL);
  auto opt = make_keras_optimizer("Adam", {.learning_rate = 0.1, .epsilon = 1e-7});
  nn::Variable w = testing::make_variable("w", {1.0f, 2.0f}, {tiny, 0.5f});
  opt->build({&w});
  opt->apply_gradients({&w});
  // m = 0.1 g: a denormal g is read as 0 and m stays 0.
  EXPECT_EQ(opt->variables()[0]->value.flat<float>()[0], 0.0f);
  EXPECT_EQ(w.value.flat<float>()[0], 1.0f);
  EXPECT_NE(w.value.flat<float>()[1], 2.0f);
  // Outside the update, denormals are as IEEE says again.
  volatile float x = tiny;
  EXPECT_EQ(std::fpclassify(x * 0.5f), FP_SUBNORMAL);
  {
    internal::FlushDenormals flush;
    EXPECT_EQ(x * 0.5f, 0.0f);
  }
  EXPECT_EQ(std::fpclassify(x * 0.5f), FP_SUBNORMAL);
}

}  // namespace
}  // namespace cairn::optim
