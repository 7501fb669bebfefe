// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), as LevelDB and
// TensorFlow compute it: the register starts at ~0 and is inverted at the end.
// Hand-written because no Debian package provides a C/C++ CRC32C library.
//
// Two paths, chosen once at run time:
//   hardware  the SSE4.2 crc32 instruction, 8 bytes per step, on three
//             interleaved streams for long inputs (the instruction's latency
//             is three times its throughput), joined with shift tables
//   portable  slicing-by-8: eight 256-entry tables, 8 bytes per step
//
// combine() joins the crcs of two pieces by polynomial arithmetic: the
// register is linear over GF(2), and the ~0 start and end cancel out, so
//   crc(A B) = crc(A) * x^(8 |B|) + crc(B)   (mod P)
// with x^(8 |B|) mod P found by squaring, in |B|'s bit count of steps.
#include "cairn/io/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace cairn::crc32c {
namespace {

constexpr uint32_t kPolynomial = 0x82f63b78u;

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the byte-at-a-time table; tables[k][b] is the crc of byte b
// followed by k zero bytes, so eight lookups advance the register 8 bytes.
constexpr Tables make_tables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ ((c & 1) ? kPolynomial : 0);
    t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr Tables kTables = make_tables();

uint32_t load_le32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

uint32_t step_byte(uint32_t l, unsigned char b) { return kTables[0][(l ^ b) & 0xff] ^ (l >> 8); }

// Advances the (uninverted) register over 8 bytes.
uint32_t step_8(uint32_t l, const unsigned char* p) {
  uint32_t lo = l ^ load_le32(p);
  uint32_t hi = load_le32(p + 4);
  return kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
         kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
         kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
}

#if defined(__x86_64__)
// Bytes per stream in one interleaved round: three streams of this many bytes.
constexpr size_t kStripe = 4096;

// The register after `n` zero bytes, starting from `l` (byte at a time; used
// only to build the shift tables).
uint32_t advance_zeros(uint32_t l, size_t n) {
  for (size_t i = 0; i < n; ++i) l = step_byte(l, 0);
  return l;
}

// Advancing the register over kStripe zero bytes is linear over GF(2), so it
// is four table lookups, one per byte of the register.
struct ShiftTables {
  std::array<std::array<uint32_t, 256>, 4> t;
  ShiftTables() {
    std::array<uint32_t, 32> basis;
    for (int bit = 0; bit < 32; ++bit) basis[bit] = advance_zeros(1u << bit, kStripe);
    for (int k = 0; k < 4; ++k) {
      for (uint32_t b = 0; b < 256; ++b) {
        uint32_t v = 0;
        for (int bit = 0; bit < 8; ++bit) {
          if (b & (1u << bit)) v ^= basis[k * 8 + bit];
        }
        t[k][b] = v;
      }
    }
  }
  uint32_t shift(uint32_t l) const {
    return t[0][l & 0xff] ^ t[1][(l >> 8) & 0xff] ^ t[2][(l >> 16) & 0xff] ^ t[3][l >> 24];
  }
};

const ShiftTables& shift_tables() {
  static const ShiftTables tables;
  return tables;
}

uint64_t load_u64(const unsigned char* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}

// Three stripes at once: a from the register `l`, b and c from zero; then
// crc(l, a b c) = shift(shift(a') ^ b') ^ c' by linearity.
__attribute__((target("sse4.2"))) uint32_t three_stripes(uint32_t l, const unsigned char* p) {
  uint64_t a = l, b = 0, c = 0;
  const unsigned char* pb = p + kStripe;
  const unsigned char* pc = p + 2 * kStripe;
  for (size_t i = 0; i < kStripe; i += 8) {
    a = _mm_crc32_u64(a, load_u64(p + i));
    b = _mm_crc32_u64(b, load_u64(pb + i));
    c = _mm_crc32_u64(c, load_u64(pc + i));
  }
  const ShiftTables& s = shift_tables();
  uint32_t ab = s.shift(static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b);
  return s.shift(ab) ^ static_cast<uint32_t>(c);
}

__attribute__((target("sse4.2"))) uint32_t extend_sse42(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t l32 = crc ^ 0xffffffffu;
  for (; n >= 3 * kStripe; n -= 3 * kStripe, p += 3 * kStripe) l32 = three_stripes(l32, p);
  uint64_t l = l32;
  for (; n >= 8; n -= 8, p += 8) l = _mm_crc32_u64(l, load_u64(p));
  l32 = static_cast<uint32_t>(l);
  for (; n > 0; --n, ++p) l32 = _mm_crc32_u8(l32, *p);
  return l32 ^ 0xffffffffu;
}

bool cpu_has_sse42() { return __builtin_cpu_supports("sse4.2"); }
#else
uint32_t extend_sse42(uint32_t crc, const void* data, size_t n) {
  return extend_portable(crc, data, n);
}

bool cpu_has_sse42() { return false; }
#endif

using ExtendFn = uint32_t (*)(uint32_t, const void*, size_t);

ExtendFn choose_extend() { return cpu_has_sse42() ? extend_sse42 : extend_portable; }

// a * b mod P, both in the reflected form the register uses: bit 31 holds
// the coefficient of x^0, bit 0 that of x^31.
uint32_t multiply_mod_p(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t term = 0x80000000u; term != 0; term >>= 1) {  // x^0, x^1, ... of a
    if ((a & term) != 0) product ^= b;
    b = (b & 1) != 0 ? (b >> 1) ^ kPolynomial : b >> 1;  // b * x; x^32 = P's lower terms
  }
  return product;
}

// x^(8 n) mod P: the factor that moves a crc register past n zero bytes.
uint32_t x_to_the_8n(uint64_t n) {
  uint32_t result = 0x80000000u;  // x^0
  uint32_t power = 0x00800000u;   // x^8, then x^16, x^32, ...
  for (; n != 0; n >>= 1) {
    if ((n & 1) != 0) result = multiply_mod_p(result, power);
    power = multiply_mod_p(power, power);
  }
  return result;
}

}  // namespace

uint32_t combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b) {
  return multiply_mod_p(crc_a, x_to_the_8n(length_b)) ^ crc_b;
}

uint32_t extend_portable(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t l = crc ^ 0xffffffffu;
  for (; n >= 8; n -= 8, p += 8) l = step_8(l, p);
  for (; n > 0; --n, ++p) l = step_byte(l, *p);
  return l ^ 0xffffffffu;
}

bool hardware_accelerated() { return cpu_has_sse42(); }

uint32_t extend(uint32_t crc, const void* data, size_t n) {
  static const ExtendFn fn = choose_extend();
  return fn(crc, data, n);
}

}  // namespace cairn::crc32c
