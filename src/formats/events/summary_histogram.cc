// HistogramProto for histogram summaries (the proto is declared in
// proto/cairn/proto/summary.proto; TensorFlow's encoder is
// core/lib/histogram/histogram.cc, Histogram::EncodeToProto).
//
// Fields written:
//   min, max, num, sum, sum_squares   doubles over the values
//   bucket_limit[i], bucket[i]        parallel arrays: the count of values in
//                                     (bucket_limit[i-1], bucket_limit[i]];
//                                     a run of empty buckets is one entry
//                                     whose limit is the run's last limit.
#include "cairn/formats/events/summary_histogram.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace cairn {
namespace {

std::vector<double> make_default_limits() {
  std::vector<double> positive;
  for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) positive.push_back(v);
  positive.push_back(DBL_MAX);
  std::vector<double> limits;
  limits.reserve(2 * positive.size() + 1);
  for (auto it = positive.rbegin(); it != positive.rend(); ++it) limits.push_back(-*it);
  limits.push_back(0.0);
  limits.insert(limits.end(), positive.begin(), positive.end());
  return limits;
}

// Appends the non-empty buckets, each run of empty ones collapsed into one.
void encode_buckets(const std::vector<double>& limits, const std::vector<double>& counts,
                    tensorflow::HistogramProto* proto) {
  for (size_t i = 0; i < counts.size();) {
    double limit = limits[i];
    double count = counts[i++];
    if (count <= 0.0) {
      while (i < counts.size() && counts[i] <= 0.0) limit = limits[i++];
    }
    proto->add_bucket_limit(limit);
    proto->add_bucket(count);
  }
}

}  // namespace

const std::vector<double>& default_histogram_bucket_limits() {
  static const std::vector<double> limits = make_default_limits();
  return limits;
}

Result<tensorflow::HistogramProto> make_histogram(const std::vector<double>& values) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  std::vector<double> counts(limits.size(), 0.0);
  tensorflow::HistogramProto proto;
  double min = DBL_MAX, max = -DBL_MAX, sum = 0, sum_squares = 0;
  for (double v : values) {
    if (!std::isfinite(v)) {
      return invalid_argument_error("histogram summary: value " + std::to_string(v) +
                                    " is not finite");
    }
    // The last limit is DBL_MAX, so only v == DBL_MAX would pass the end.
    auto bucket = std::upper_bound(limits.begin(), limits.end() - 1, v) - limits.begin();
    counts[static_cast<size_t>(bucket)] += 1.0;
    min = std::min(min, v);
    max = std::max(max, v);
    sum += v;
    sum_squares += v * v;
  }
  proto.set_min(min);
  proto.set_max(max);
  proto.set_num(static_cast<double>(values.size()));
  proto.set_sum(sum);
  proto.set_sum_squares(sum_squares);
  encode_buckets(limits, counts, &proto);
  return proto;
}

}  // namespace cairn
