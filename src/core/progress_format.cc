#include "cairn/core/progress_format.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace cairn {
namespace {

std::string printf_string(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Three significant digits or so: "450", "12.5", "0.52".
std::string short_number(double value) {
  if (value >= 100) return printf_string("%.0f", value);
  if (value >= 10) return printf_string("%.1f", value);
  return printf_string("%.2f", value);
}

constexpr std::array<const char*, 5> kByteScales = {"kB", "MB", "GB", "TB", "PB"};

// `bytes` (>= 1000) as "12.6 MB".
std::string scaled_bytes(double bytes) {
  size_t scale = 0;
  bytes /= 1000;
  while (bytes >= 999.95 && scale + 1 < kByteScales.size()) bytes /= 1000, ++scale;
  return printf_string("%.1f", bytes) + " " + kByteScales[scale];
}

// "step" for one, "steps" otherwise.
std::string unit_word(double count, ProgressUnit unit) {
  std::string word(progress_unit_name(unit));
  if (count == 1) word.pop_back();
  return word;
}

// Of `width` places, those `done` of `total` fill; in integers, as Keras's
// (7 of 32 fill 6 of 30), unless done * width would overflow.
int filled_places(int64_t done, int64_t total, int width) {
  done = std::clamp<int64_t>(done, 0, total);
  if (done <= std::numeric_limits<int64_t>::max() / width) {
    return static_cast<int>(done * width / total);
  }
  return static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * width);
}

}  // namespace

std::string_view progress_unit_name(ProgressUnit unit) {
  switch (unit) {
    case ProgressUnit::kSteps:
      return "steps";
    case ProgressUnit::kBytes:
      return "bytes";
    case ProgressUnit::kTensors:
      return "tensors";
    case ProgressUnit::kCheckpoints:
      return "checkpoints";
  }
  return "units";
}

std::string progress_bar_text(int64_t done, int64_t total, int width) {
  const int filled = total > 0 ? filled_places(done, total, width) : width;
  std::string text = "[";
  if (filled > 0) {
    text += std::string(static_cast<size_t>(filled - 1), '=');
    text += done < total ? '>' : '=';
  }
  text += std::string(static_cast<size_t>(width - filled), '.');
  return text + "]";
}

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char buffer[48];
  if (s > 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60), static_cast<long long>(s % 60));
  } else if (s > 60) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(s));
  }
  return buffer;
}

std::string format_amount(int64_t count, ProgressUnit unit) {
  if (unit == ProgressUnit::kBytes) {
    if (count < 1000) return std::to_string(count) + " B";
    return scaled_bytes(static_cast<double>(count));
  }
  return std::to_string(count) + " " + unit_word(static_cast<double>(count), unit);
}

std::string format_fraction(int64_t done, int64_t total, ProgressUnit unit,
                            std::string_view between) {
  const std::string done_text =
      unit == ProgressUnit::kBytes ? format_amount(done, unit) : std::to_string(done);
  return done_text + std::string(between) + format_amount(total, unit);
}

std::string format_rate(double per_second, ProgressUnit unit) {
  if (unit == ProgressUnit::kBytes) {
    if (per_second < 1000) return printf_string("%.0f", per_second) + " B/s";
    return scaled_bytes(per_second) + "/s";
  }
  return short_number(per_second) + " " + std::string(progress_unit_name(unit)) + "/s";
}

}  // namespace cairn
