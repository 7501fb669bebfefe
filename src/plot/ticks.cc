#include "cairn/plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

// The round number nearest `x` (> 0) from above when `round` is false, or
// rounded to the nearest when it is true (Heckbert, "Nice numbers for graph
// labels", Graphics Gems, 1990).
NiceNumber nice_number(double x, bool round) {
  const int exponent = static_cast<int>(std::floor(std::log10(x)));
  const double fraction = x / std::pow(10.0, exponent);  // in [1, 10)
  double m = 10;
  if (round) {
    m = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  } else {
    m = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  }
  return {m, exponent};
}

}  // namespace

AxisTicks nice_ticks(double min, double max, int count) {
  if (min == max) {
    const double pad = min == 0 ? 1 : std::abs(min) * 0.1;
    min -= pad, max += pad;
  }
  const double range = nice_number(max - min, false).times(1);
  const NiceNumber step = nice_number(range / std::max(count - 1, 1), true);
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
