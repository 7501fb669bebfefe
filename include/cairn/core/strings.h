// The few string helpers the standard library lacks, in one place (C++20's
// std::string and std::string_view already have starts_with / ends_with:
// use those).
//
//   cairn::join(tags, ", ")                    // {"serve", "gpu"} -> "serve, gpu"
//   cairn::join(std::vector<int64_t>{2, 3}, ",")  // "2,3"
//   cairn::split("dense/kernel/", '/')         // {"dense", "kernel", ""}
//   cairn::trim("  serve \r")                  // "serve"
//   cairn::lower("RMSprop")                    // "rmsprop" (ASCII only)
//   cairn::group_thousands("-1234567.5")       // "-1,234,567.5"
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {

// `items` with `separator` between each two; "" when there are none.
std::string join(std::span<const std::string> items, std::string_view separator);
std::string join(std::span<const std::string_view> items, std::string_view separator);
std::string join(std::span<const int64_t> items, std::string_view separator);

// The parts of `text` between each `separator`: n separators make n + 1
// parts, empty ones included ("" -> {""}). Views into `text`.
std::vector<std::string_view> split(std::string_view text, char separator);

// `text` without the leading and trailing characters in `spaces`. A view into `text`.
std::string_view trim(std::string_view text, std::string_view spaces = " \t\r\n");

// `text` with ASCII letters A-Z made lower-case; other bytes unchanged.
std::string lower(std::string_view text);

// A decimal number with a comma between each three digits before its point,
// as Python's "{:,}" and Keras's model.summary() print them. A leading sign
// stays in front; what follows the digits ("e+04", "%") is kept as it is.
std::string group_thousands(std::string_view number);

}  // namespace cairn
