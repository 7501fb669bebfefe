// Histogram summaries as TensorFlow's tf.summary.histogram writes them: the
// values counted into TensorFlow's default buckets, then encoded as a
// HistogramProto with runs of empty buckets collapsed (as TensorBoard expects).
//
//   CAIRN_ASSIGN_OR_RETURN(tensorflow::HistogramProto histo,
//                          cairn::make_histogram({0.5, -1.0, 2.0}));
//   // histo.num() == 3, histo.min() == -1, histo.bucket_limit() ascending
#pragma once

#include <vector>

#include "cairn/core/status.h"
#include "cairn/proto/summary.pb.h"

namespace cairn {

// TensorFlow's default bucket limits (core/lib/histogram/histogram.cc):
// -DBL_MAX, the negated limits in increasing order, 0, then limits growing by
// a factor 1.1 from 1e-12 while below 1e20, then DBL_MAX: 1551 limits.
const std::vector<double>& default_histogram_bucket_limits();

// Counts `values` into the default buckets. A value v falls in the first
// bucket whose limit is greater than v. INVALID_ARGUMENT if a value is NaN or
// infinite (TensorFlow's HistogramSummary op rejects them too). An empty
// input gives num 0 and one bucket (DBL_MAX, 0).
Result<tensorflow::HistogramProto> make_histogram(const std::vector<double>& values);

}  // namespace cairn
