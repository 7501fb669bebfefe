#include "cairn/plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace cairn {
namespace {

// A round number: mantissa (1, 2, 5 or 10) times ten to the exponent.
struct NiceNumber {
  double mantissa = 1;
  int exponent = 0;

  // k times this number, computed so that 3 x 0.2 is the double nearest 0.6
  // (dividing by an exact power of ten rounds once).
  double times(double k) const {
    return exponent >= 0 ? k * mantissa * std::pow(10.0, exponent)
                         : k * mantissa / std::pow(10.0, -exponent);
  }
};

// The round number nearest `x` (> 0): 1, 2 or 5 times a power of ten (as
// Heckbert rounds a tick spacing, "Nice numbers for graph labels", Graphics
// Gems, 1990).
NiceNumber nice_number(double x) {
  const int exponent = static_cast<int>(std::floor(std::log10(x)));
  const double fraction = x / std::pow(10.0, exponent);  // in [1, 10)
  const double m = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return {m, exponent};
}

}  // namespace

AxisTicks nice_ticks(double min, double max, int count) {
  // Spans beyond a double's range are cut, so every tick stays finite.
  constexpr double kLimit = std::numeric_limits<double>::max() / 8;
  min = std::clamp(min, -kLimit, kLimit), max = std::clamp(max, -kLimit, kLimit);
  if (min == max) {
    const double pad = min == 0 ? 1 : std::abs(min) * 0.1;
    min -= pad, max += pad;
  }
  const NiceNumber step = nice_number((max - min) / std::max(count - 1, 1));
  AxisTicks ticks;
  ticks.step = step.times(1);
  const double first = std::floor(min / ticks.step), last = std::ceil(max / ticks.step);
  for (double k = first; k <= last; ++k) ticks.values.push_back(k == 0 ? 0.0 : step.times(k));
  ticks.lo = ticks.values.front(), ticks.hi = ticks.values.back();
  return ticks;
}

std::string tick_label(double value, double step) {
  char text[32];
  const double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e7 || step < 1e-5) {
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
  }
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace cairn
