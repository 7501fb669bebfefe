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
#include <string>

namespace cairn {
namespace {

constexpr double kSmallestLimit = 1.0e-12;
constexpr double kLimitGrowth = 1.1;

std::vector<double> make_default_limits() {
  std::vector<double> positive;
  for (double v = kSmallestLimit; v < 1.0e20; v *= kLimitGrowth) positive.push_back(v);
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

// Near the index of the first default limit greater than v, from v's
// logarithm in base 1.1: the limits are 0 and +-1e-12 * 1.1^j.
size_t guess_bucket(double v, size_t limit_count) {
  const auto zero = static_cast<double>(limit_count / 2);  // the index of limit 0
  const double magnitude = std::fabs(v);
  if (magnitude < kSmallestLimit) return static_cast<size_t>(v > 0 ? zero + 1 : zero);
  const double j = std::floor(std::log(magnitude / kSmallestLimit) / std::log(kLimitGrowth));
  const double guess = v > 0 ? zero + 2 + j : zero - 1 - j;
  return static_cast<size_t>(std::clamp(guess, 0.0, static_cast<double>(limit_count - 1)));
}

}  // namespace

size_t histogram_bucket(double v) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  const size_t last = limits.size() - 1;
  const size_t guess = guess_bucket(v, limits.size());
  const size_t lo = guess >= 2 ? guess - 2 : 0, hi = std::min(guess + 2, last);
  // The answer is in [lo, hi] when limits[lo - 1] <= v < limits[hi].
  const auto begin = limits.begin();
  if ((lo == 0 || limits[lo - 1] <= v) && v < limits[hi]) {
    return static_cast<size_t>(std::upper_bound(begin + lo, begin + hi, v) - begin);
  }
  // The last limit is DBL_MAX, so only v == DBL_MAX would pass the end.
  return static_cast<size_t>(std::upper_bound(begin, limits.end() - 1, v) - begin);
}

const std::vector<double>& default_histogram_bucket_limits() {
  static const std::vector<double> limits = make_default_limits();
  return limits;
}

HistogramCounter::HistogramCounter()
    : limits_(default_histogram_bucket_limits()), counts_(limits_.size(), 0.0) {}

Status HistogramCounter::add(double v) {
  if (!std::isfinite(v)) {
    return invalid_argument_error("histogram summary: value " + std::to_string(v) +
                                  " is not finite");
  }
  counts_[histogram_bucket(v)] += 1.0;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  ++num_;
  sum_ += v;
  sum_squares_ += v * v;
  return ok_status();
}

tensorflow::HistogramProto HistogramCounter::proto() const {
  tensorflow::HistogramProto proto;
  proto.set_min(min_);
  proto.set_max(max_);
  proto.set_num(num_);
  proto.set_sum(sum_);
  proto.set_sum_squares(sum_squares_);
  encode_buckets(limits_, counts_, &proto);
  return proto;
}

Result<tensorflow::HistogramProto> make_histogram(const std::vector<double>& values) {
  HistogramCounter counter;
  for (double v : values) CAIRN_RETURN_IF_ERROR(counter.add(v));
  return counter.proto();
}

Result<tensorflow::HistogramProto> make_histogram(const Tensor& values) {
  if (!has_math(values.dtype()) || values.dtype() == DType::kString) {
    return invalid_argument_error(std::string("histogram summary: a ") +
                                  std::string(dtype_name(values.dtype())) +
                                  " tensor has no numeric values");
  }
  HistogramCounter counter;
  if (values.dtype() == DType::kFloat32) {  // the common case, without a switch per element
    for (float v : values.flat<float>()) CAIRN_RETURN_IF_ERROR(counter.add(v));
  } else {
    for (int64_t i = 0; i < values.num_elements(); ++i) {
      CAIRN_RETURN_IF_ERROR(counter.add(values.element_as_double(i)));
    }
  }
  return counter.proto();
}

}  // namespace cairn
