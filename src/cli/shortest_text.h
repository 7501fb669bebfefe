// Numbers as the shortest text that reads back as the same value, for the
// commands' listings (std::to_chars' round-trip form).
//
//   shortest_text(0.1f);                    // "0.1"
//   shortest_text(double{0.1f});            // "0.10000000149011612"
//   shortest_event_value(double{0.1f});     // "0.1": a widened float32
#pragma once

#include <charconv>
#include <string>

namespace cairn::cli {

// Shortest text that reads back as the same float32 (or float64).
template <typename T>
std::string shortest_text(T value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return ec == std::errc() ? std::string(buf, end) : "nan";
}

// A value read from an event file (float32 simple_value or float64 tensor,
// widened to double): the float32 text when the value is exactly a float32.
inline std::string shortest_event_value(double value) {
  const auto narrow = static_cast<float>(value);
  if (static_cast<double>(narrow) == value) return shortest_text(narrow);
  return shortest_text(value);
}

}  // namespace cairn::cli
