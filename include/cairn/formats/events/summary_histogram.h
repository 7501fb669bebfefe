// Histogram summaries as TensorFlow's tf.summary.histogram writes them: the
// values counted into TensorFlow's default buckets, then encoded as a
// HistogramProto with runs of empty buckets collapsed (as TensorBoard expects).
//
//   CAIRN_ASSIGN_OR_RETURN(tensorflow::HistogramProto histo,
//                          cairn::make_histogram({0.5, -1.0, 2.0}));
//   // histo.num() == 3, histo.min() == -1, histo.bucket_limit() ascending
#pragma once

#include <cfloat>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/proto/summary.pb.h"

namespace cairn {

// TensorFlow's default bucket limits (core/lib/histogram/histogram.cc):
// -DBL_MAX, the negated limits in increasing order, 0, then limits growing by
// a factor 1.1 from 1e-12 while below 1e20, then DBL_MAX: 1551 limits.
const std::vector<double>& default_histogram_bucket_limits();

// The bucket of a finite value v: the index of the first default limit
// greater than v (the last limit, DBL_MAX, for v == DBL_MAX). O(1): a guess
// from v's logarithm, checked against the limits around it.
size_t histogram_bucket(double v);

// Counts values into the default buckets, one at a time (histogram_bucket).
class HistogramCounter {
 public:
  HistogramCounter();
  // INVALID_ARGUMENT if `v` is NaN or infinite (TensorFlow's HistogramSummary
  // op rejects them too); nothing is counted then.
  Status add(double v);
  // The values counted so far. None gives num 0 and one bucket (DBL_MAX, 0).
  tensorflow::HistogramProto proto() const;

 private:
  const std::vector<double>& limits_;
  std::vector<double> counts_;  // one per limit
  double min_ = DBL_MAX, max_ = -DBL_MAX, num_ = 0, sum_ = 0, sum_squares_ = 0;
};

// The histogram of `values` (HistogramCounter).
Result<tensorflow::HistogramProto> make_histogram(const std::vector<double>& values);
// The histogram of a numeric tensor's elements (float32 read directly, other
// numeric dtypes widened); INVALID_ARGUMENT naming the dtype for a string,
// complex or quantized tensor.
Result<tensorflow::HistogramProto> make_histogram(const Tensor& values);

}  // namespace cairn
