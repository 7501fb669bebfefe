// Test-only: what the sanitized build (`make test`'s second pass, with
// AddressSanitizer) changes for tests. Exhaustive sweeps are split between
// the two builds, so `make test` still checks every step once:
//
//   for (size_t i = 0; i < bytes.size(); ++i) {
//     if (cairn::testing::sweep_checks_step(i)) flip(i);
//   }
//   if (cairn::testing::kBuiltWithAddressSanitizer) GTEST_SKIP() << "why";
#pragma once

#include <cstddef>

namespace cairn::testing {

// True in a build with AddressSanitizer (GCC defines __SANITIZE_ADDRESS__;
// clang answers __has_feature).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kBuiltWithAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kBuiltWithAddressSanitizer = true;
#else
inline constexpr bool kBuiltWithAddressSanitizer = false;
#endif
#else
inline constexpr bool kBuiltWithAddressSanitizer = false;
#endif

// Whether this build checks step `step` (counted from 0) of an exhaustive
// sweep (every byte flipped, every length truncated): AddressSanitizer, where
// each step costs several times as much (a child that HDF5 crashes writes a
// symbolized report, and forking its larger process costs more), checks
// every 11th step, the plain build the other ten in eleven. A step took
// about 4 times the CPU time under AddressSanitizer, and 8 times the time in
// CI's ctest run, where the sanitized share of a sweep was the suite's
// longest test. `make test` runs both, so together they check every step
// once. 11 is prime, so each build's share still lands on every byte of 2-,
// 4- and 8-byte fields.
inline constexpr size_t kSweepStride = 11;
constexpr bool sweep_checks_step(size_t step) {
  return (step % kSweepStride == 0) == kBuiltWithAddressSanitizer;
}

}  // namespace cairn::testing
