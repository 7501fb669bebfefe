// Range checks of numeric command-line flags, run before a flag sizes any
// allocation; the error names the flag and its value.
//
//   check_flag_range("--batch-size", cmd.batch_size, 1, data::kMaxBatchSize);
//   // InvalidArgumentError: "--batch-size is 0; it must be between 1 and 16777216"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/core/errors.h"

namespace cairn::cli {

inline void check_flag_range(std::string_view flag, int64_t value, int64_t least, int64_t most) {
  if (value < least || value > most) {
    throw InvalidArgumentError(std::string(flag) + " is " + std::to_string(value) +
                               "; it must be between " + std::to_string(least) + " and " +
                               std::to_string(most));
  }
}

}  // namespace cairn::cli
