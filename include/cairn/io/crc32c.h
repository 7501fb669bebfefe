// CRC-32C (Castagnoli), the checksum of every TensorFlow file format:
// LevelDB table blocks, tensor-bundle entries, TFRecord/event framing.
//
// Files store the *masked* form, so that a crc of data that itself holds
// crcs is not degenerate: mask(c) = ((c >> 15) | (c << 17)) + 0xa282ead8.
//
//   uint32_t c = cairn::crc32c::value("123456789");       // 0xe3069283
//   c = cairn::crc32c::extend(c, more.data(), more.size());
//   uint32_t stored = cairn::crc32c::mask(c);             // what files hold
//   // The crc of a + b from the crcs of its halves (computed apart, e.g. by two threads):
//   uint32_t ab = cairn::crc32c::combine(value(a), value(b), b.size());
//
// Uses the SSE4.2 crc32 instruction when the CPU has it, else a portable
// slicing-by-8 table. Both give identical results (tested).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cairn::crc32c {

// The crc of `crc`'s data followed by `data[0, n)`. extend(0, ...) starts fresh.
uint32_t extend(uint32_t crc, const void* data, size_t n);

// The same computed without hardware instructions (for tests and benchmarks).
uint32_t extend_portable(uint32_t crc, const void* data, size_t n);

// The crc of A followed by B, from crc_a = value(A), crc_b = value(B) and
// B's length: lets pieces of one buffer be checksummed apart (by several
// threads) and joined. Costs at most 128 products of 32-bit polynomials
// (a few microseconds), not a pass over B.
uint32_t combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b);

// True when extend() uses the SSE4.2 instruction on this CPU.
bool hardware_accelerated();

inline uint32_t value(const void* data, size_t n) { return extend(0, data, n); }
inline uint32_t value(std::string_view s) { return extend(0, s.data(), s.size()); }

inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

constexpr uint32_t mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

constexpr uint32_t unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace cairn::crc32c
