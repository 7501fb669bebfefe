// "Nice" axis ticks: round numbers (1, 2 or 5 times a power of ten apart)
// that cover a data range, and their labels.
//
//   cairn::AxisTicks t = cairn::nice_ticks(0.13, 0.97, 5);
//   // t.lo = 0, t.hi = 1, t.step = 0.2, t.values = {0, 0.2, 0.4, 0.6, 0.8, 1}
//   cairn::tick_label(0.4, t.step);  // "0.4"
#pragma once

#include <string>
#include <vector>

namespace cairn {

struct AxisTicks {
  double lo = 0, hi = 1;       // the axis' range: whole steps around the data
  double step = 1;             // distance between two ticks
  std::vector<double> values;  // lo, lo + step, ..., hi
};

// Ticks for data in [min, max] (min <= max, both finite), about `count`
// (>= 2) of them. An empty range (min == max) is widened around its value;
// one wider than an eighth of the largest double is cut to that.
AxisTicks nice_ticks(double min, double max, int count);

// `value` printed with as many decimals as `step` needs ("0.25", "1500",
// "-3"), or in exponent form for very large or very small magnitudes ("2e-06").
std::string tick_label(double value, double step);

}  // namespace cairn
