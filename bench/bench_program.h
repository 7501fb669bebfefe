// The program the benchmarks are: `cairn-bench` (bench/main.cc), the name its
// commands report errors under ("cairn-bench io: CODE: message").
#pragma once

namespace cairn::bench {

inline constexpr const char* kProgram = "cairn-bench";

}  // namespace cairn::bench
