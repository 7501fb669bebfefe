#include "nn/vector_activations.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace cairn::nn::internal {
namespace {

constexpr int kVecTestMaxUlp = 2;

// Floats from -big to big: every power of two's neighbourhood, the range
// where the formulas switch, the limits of exp, and the special values.
std::vector<float> vec_test_inputs() {
  std::vector<float> xs = {0.0f,
                           -0.0f,
                           1e-45f,
                           -1e-45f,
                           1e-40f,
                           -3e-39f,
                           std::numeric_limits<float>::min(),
                           std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN()};
  for (float edge : {0.625f, 43.5f, 44.0f, 87.0f, 88.0f, 88.72f, 89.0f, 104.0f}) {
    float up = edge, down = edge;
    for (int step = 0; step < 8; ++step) {
      xs.push_back(up);
      xs.push_back(down);
      up = std::nextafter(up, 1e9f);
      down = std::nextafter(down, 0.0f);
    }
  }
  for (float x = 1e-30f; x < 200.0f; x *= 1.0001f) xs.push_back(x);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(0.0f, 20.0f);
  for (int i = 0; i < 100000; ++i) xs.push_back(uniform(rng));
  const size_t positive = xs.size();
  for (size_t i = 0; i < positive; ++i) xs.push_back(-xs[i]);
  return xs;
}

// Distance in representable floats (both finite, same sign or one zero).
int64_t vec_ulp_distance(float a, float b) {
  auto ordered = [](float v) {
    const int32_t bits = std::bit_cast<int32_t>(v);
    return bits < 0 ? -static_cast<int64_t>(bits & 0x7fffffff) : static_cast<int64_t>(bits);
  };
  return std::abs(ordered(a) - ordered(b));
}

// `got` within kVecTestMaxUlp of `want` (or both NaN); results below the
// normal floats (sigmoid far left) within FLT_MIN.
void expect_vec_close(float x, float got, double want) {
  const float w = static_cast<float>(want);
  if (std::isnan(w)) {
    EXPECT_TRUE(std::isnan(got)) << "x = " << x;
    return;
  }
  if (std::abs(w) < std::numeric_limits<float>::min()) {
    EXPECT_LE(std::abs(got - w), std::numeric_limits<float>::min()) << "x = " << x;
    return;
  }
  EXPECT_LE(vec_ulp_distance(got, w), kVecTestMaxUlp)
      << "x = " << x << ": " << got << " instead of " << w;
}

TEST(VectorActivationsTest, SigmoidWithinUlpsOfStd) {
  const std::vector<float> xs = vec_test_inputs();
  std::vector<float> ys(xs.size());
  sigmoid_values(xs.data(), ys.data(), xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    expect_vec_close(xs[i], ys[i], 1.0 / (1.0 + std::exp(-static_cast<double>(xs[i]))));
  }
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float saturating[] = {-kInf, -200.0f, 200.0f, kInf};
  float out[4];
  sigmoid_values(saturating, out, 4);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[3], 1.0f);
}

TEST(VectorActivationsTest, TanhWithinUlpsOfStd) {
  const std::vector<float> xs = vec_test_inputs();
  std::vector<float> ys(xs.size());
  tanh_values(xs.data(), ys.data(), xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    expect_vec_close(xs[i], ys[i], std::tanh(static_cast<double>(xs[i])));
  }
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float odd[] = {-kInf, -50.0f, -0.0f, 1e-40f, 50.0f, kInf};
  float out[6];
  tanh_values(odd, out, 6);
  EXPECT_EQ(out[0], -1.0f);
  EXPECT_EQ(out[1], -1.0f);
  EXPECT_TRUE(std::signbit(out[2]) && out[2] == 0.0f);
  EXPECT_EQ(out[3], 1e-40f);
  EXPECT_EQ(out[4], 1.0f);
  EXPECT_EQ(out[5], 1.0f);
}

// The vectorized body and the scalar remainder give the same bytes: a value
// does not depend on where in an array it sits.
TEST(VectorActivationsTest, SameBytesAtEveryPosition) {
  const std::vector<float> xs = vec_test_inputs();
  const size_t n = 1001;
  std::vector<float> whole(n), shifted(n), in_place(xs.begin(), xs.begin() + n);
  tanh_values(xs.data(), whole.data(), n);
  tanh_values(xs.data() + 1, shifted.data() + 1, n - 1);
  tanh_values(in_place.data(), in_place.data(), n);
  for (size_t i = 1; i < n; ++i) {
    EXPECT_EQ(std::bit_cast<uint32_t>(whole[i]), std::bit_cast<uint32_t>(shifted[i])) << i;
    EXPECT_EQ(std::bit_cast<uint32_t>(whole[i]), std::bit_cast<uint32_t>(in_place[i])) << i;
  }
}

double vec_sigmoid_ref(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The fused LSTM step against its formulas in double precision.
TEST(VectorActivationsTest, LstmStepMatchesItsFormulas) {
  constexpr int64_t kRows = 3, kUnits = 21;  // not a multiple of any vector width
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(-4.0f, 4.0f);
  auto random_values = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& e : v) e = uniform(rng);
    return v;
  };
  const std::vector<float> z = random_values(kRows * 4 * kUnits),
                           c_prev = random_values(kRows * kUnits),
                           dh = random_values(kRows * kUnits), dc = random_values(kRows * kUnits);
  std::vector<float> c(c_prev.size()), tc(c.size()), h(c.size()), dz(z.size()), dc_prev(c.size());
  std::vector<float> a = z;
  lstm_step_forward({.gates = a.data(),
                     .c_prev = c_prev.data(),
                     .c = c.data(),
                     .tc = tc.data(),
                     .h = h.data(),
                     .rows = kRows,
                     .units = kUnits});
  lstm_step_backward({.a = a.data(),
                      .c_prev = c_prev.data(),
                      .tc = tc.data(),
                      .dh = dh.data(),
                      .dc = dc.data(),
                      .dz = dz.data(),
                      .dc_prev = dc_prev.data(),
                      .rows = kRows,
                      .units = kUnits});
  for (int64_t r = 0; r < kRows; ++r) {
    for (int64_t j = 0; j < kUnits; ++j) {
      auto gate = [&](int k) { return static_cast<double>(z[r * 4 * kUnits + k * kUnits + j]); };
      const double i = vec_sigmoid_ref(gate(0)), f = vec_sigmoid_ref(gate(1)),
                   g = std::tanh(gate(2)), o = vec_sigmoid_ref(gate(3));
      const double want_a[] = {i, f, g, o};
      for (int k = 0; k < 4; ++k) {
        EXPECT_NEAR(a[static_cast<size_t>(r * 4 * kUnits + k * kUnits + j)], want_a[k], 1e-6);
      }
      const size_t e = static_cast<size_t>(r * kUnits + j);
      const double cj = f * c_prev[e] + i * g, tcj = std::tanh(cj);
      EXPECT_NEAR(c[e], cj, 1e-5);
      EXPECT_NEAR(h[e], o * tcj, 1e-5);
      const double dct = dh[e] * o * (1 - tcj * tcj) + dc[e];
      const double want_dz[] = {dct * g * i * (1 - i), dct * c_prev[e] * f * (1 - f),
                                dct * i * (1 - g * g), dh[e] * tcj * o * (1 - o)};
      for (int k = 0; k < 4; ++k) {
        EXPECT_NEAR(dz[static_cast<size_t>(r * 4 * kUnits + k * kUnits + j)], want_dz[k], 1e-4)
            << "gate " << k;
      }
      EXPECT_NEAR(dc_prev[e], dct * f, 1e-4);
    }
  }
}

}  // namespace
}  // namespace cairn::nn::internal
