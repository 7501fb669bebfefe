// Built with -ffp-contract=off and vectorization on (see vector_activations.h);
// src/CMakeLists.txt sets both for this file. The file itself is compiled for
// baseline x86-64; only the loops marked CAIRN_CPU_DISPATCH get other
// versions, so no inline function it shares with other files is ever emitted
// for a newer instruction set than the one every caller may run on.
#include "nn/vector_activations.h"

#include <bit>
#include <cmath>

// One version per instruction set, chosen when the program is loaded.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CAIRN_CPU_DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CAIRN_CPU_DISPATCH
#endif

namespace cairn::nn::internal {
namespace {

constexpr float kVecLog2e = 1.44269504088896341f;
// ln 2 in two parts, the first with few enough bits that n · kVecLn2High is exact.
constexpr float kVecLn2High = 0.693359375f;
constexpr float kVecLn2Low = -2.12194440e-4f;
// Adding 1.5 · 2^23 rounds a float of magnitude < 2^22 to an integer, which
// then sits in the low bits of the sum's mantissa.
constexpr float kVecRoundShift = 12582912.0f;
// exp's range here: 2^n stays a normal float for n = round(x log2 e).
constexpr float kVecExpMin = -87.0f;
constexpr float kVecExpMax = 88.0f;
// Below this |x|, tanh is its odd polynomial; above, 1 - 2 / (e^2|x| + 1).
constexpr float kVecTanhSmall = 0.625f;

// e^x for x in [kVecExpMin, kVecExpMax]: x = n ln 2 + r with |r| <= ln2 / 2,
// e^r = 1 + r + r² q(r) with q fitted for relative error (7e-9 in exact
// arithmetic), times 2^n built in the exponent bits.
inline float vec_exp_in_range(float x) {
  const float shifted = x * kVecLog2e + kVecRoundShift;
  const float n = shifted - kVecRoundShift;
  const float r = (x - n * kVecLn2High) - n * kVecLn2Low;
  float q = 0.0013752965f;
  q = q * r + 0.0083661396f;
  q = q * r + 0.041669209f;
  q = q * r + 0.16666542f;
  q = q * r + 0.49999991f;
  const float er = 1.0f + (r + r * r * q);
  const uint32_t n_bits =
      std::bit_cast<uint32_t>(shifted) - std::bit_cast<uint32_t>(kVecRoundShift);
  const float two_to_n = std::bit_cast<float>((n_bits + 127u) << 23);
  return er * two_to_n;
}

inline float vec_clamped_exp(float x) {
  float t = x < kVecExpMin ? kVecExpMin : x;
  t = t > kVecExpMax ? kVecExpMax : t;
  return vec_exp_in_range(t);  // NaN stays NaN: it fails both comparisons
}

// 1 / (1 + e^-x), exactly 0 where e^-x overflows (as with std::exp).
inline float vec_sigmoid(float x) {
  const float y = 1.0f / (1.0f + vec_clamped_exp(-x));
  return x < -kVecExpMax ? 0.0f : y;
}

// Odd, computed for |x| and given x's sign (so tanh(-0) = -0): |x| + |x|³ p(x²)
// near 0 (p fitted on [0, kVecTanhSmall], 1.4e-9 relative in exact
// arithmetic), 1 - 2 / (e^2|x| + 1) beyond.
inline float vec_tanh(float x) {
  const float m = std::fabs(x), x2 = x * x;
  float p = 0.0021780236f;
  p = p * x2 - 0.0082149720f;
  p = p * x2 + 0.021715553f;
  p = p * x2 - 0.053949397f;
  p = p * x2 + 0.13333227f;
  p = p * x2 - 0.33333331f;
  const float near_zero = m + m * x2 * p;
  const float far = 1.0f - 2.0f / (vec_clamped_exp(2.0f * m) + 1.0f);
  return std::copysign(m < kVecTanhSmall ? near_zero : far, x);
}

CAIRN_CPU_DISPATCH void sigmoid_loop(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = vec_sigmoid(x[i]);
}

CAIRN_CPU_DISPATCH void tanh_loop(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = vec_tanh(x[i]);
}

// One row of lstm_step_forward: za holds z on entry, a on return.
CAIRN_CPU_DISPATCH void lstm_forward_row(float* __restrict za, const float* __restrict c_prev,
                                         float* __restrict c, float* __restrict tc,
                                         float* __restrict h, int64_t u) {
  for (int64_t j = 0; j < u; ++j) {
    const float i = vec_sigmoid(za[j]);
    const float f = vec_sigmoid(za[u + j]);
    const float g = vec_tanh(za[2 * u + j]);
    const float o = vec_sigmoid(za[3 * u + j]);
    const float cj = f * c_prev[j] + i * g;
    const float tcj = vec_tanh(cj);
    za[j] = i;
    za[u + j] = f;
    za[2 * u + j] = g;
    za[3 * u + j] = o;
    c[j] = cj;
    tc[j] = tcj;
    h[j] = o * tcj;
  }
}

// One row of lstm_step_backward.
CAIRN_CPU_DISPATCH void lstm_backward_row(const float* __restrict a, const float* __restrict c_prev,
                                          const float* __restrict tc, const float* __restrict dh,
                                          const float* __restrict dc, float* __restrict dz,
                                          float* __restrict dc_prev, int64_t u) {
  for (int64_t j = 0; j < u; ++j) {
    const float i = a[j], f = a[u + j], g = a[2 * u + j], o = a[3 * u + j];
    const float dct = dh[j] * o * (1.0f - tc[j] * tc[j]) + dc[j];
    dz[j] = dct * g * i * (1.0f - i);
    dz[u + j] = dct * c_prev[j] * f * (1.0f - f);
    dz[2 * u + j] = dct * i * (1.0f - g * g);
    dz[3 * u + j] = dh[j] * tc[j] * o * (1.0f - o);
    dc_prev[j] = dct * f;
  }
}

}  // namespace

void sigmoid_values(const float* x, float* y, size_t n) { sigmoid_loop(x, y, n); }

void tanh_values(const float* x, float* y, size_t n) { tanh_loop(x, y, n); }

void lstm_step_forward(const LstmStepForward& s) {
  const int64_t u = s.units, gu = 4 * u;
  for (int64_t r = 0; r < s.rows; ++r) {
    lstm_forward_row(s.gates + r * gu, s.c_prev + r * u, s.c + r * u, s.tc + r * u, s.h + r * u, u);
  }
}

void lstm_step_backward(const LstmStepBackward& s) {
  const int64_t u = s.units, gu = 4 * u;
  for (int64_t r = 0; r < s.rows; ++r) {
    lstm_backward_row(s.a + r * gu, s.c_prev + r * u, s.tc + r * u, s.dh + r * u, s.dc + r * u,
                      s.dz + r * gu, s.dc_prev + r * u, u);
  }
}

}  // namespace cairn::nn::internal
