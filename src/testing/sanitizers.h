// Test-only: what the sanitized build (`make test`'s second pass, with
// AddressSanitizer) changes for tests. Exhaustive sweeps take a sample there,
// since the plain build has checked every step:
//
//   for (size_t i = 0; i < bytes.size(); i += cairn::testing::kSweepStride) flip(i);
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

// The steps an exhaustive sweep (every byte flipped, every length truncated)
// advances per step it checks: 1 in the plain build, which checks them all,
// and 5 under AddressSanitizer, where each step costs several times as much
// (a child that HDF5 crashes writes a symbolized report). 5 is prime, so the
// sample still lands on every byte of 2-, 4- and 8-byte fields.
inline constexpr size_t kSweepStride = kBuiltWithAddressSanitizer ? 5 : 1;

}  // namespace cairn::testing
