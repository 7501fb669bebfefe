#include "cairn/plot/smoothing.h"

#include <algorithm>
#include <cmath>

namespace cairn {
namespace {

double clamped_weight(double weight) {
  if (!std::isfinite(weight)) return 0;
  return std::clamp(weight, 0.0, 1.0);
}

// TensorBoard compares with ==, so a constant series of NaN is not constant.
bool is_constant(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
}

}  // namespace

std::vector<double> smooth_like_tensorboard(std::span<const double> values, double weight) {
  std::vector<double> smoothed(values.begin(), values.end());
  if (values.empty() || is_constant(values)) return smoothed;
  const double w = clamped_weight(weight);
  double last = 0;
  int finite_count = 0;
  for (double& v : smoothed) {
    if (!std::isfinite(v)) continue;
    last = last * w + (1 - w) * v;
    ++finite_count;
    const double debias = w == 1 ? 1 : 1 - std::pow(w, finite_count);
    v = last / debias;
  }
  return smoothed;
}

}  // namespace cairn
