// Histograms as tf.summary.histogram writes them (summary_histogram.h):
// TensorFlow's default bucket limits, counting and collapsing empty runs,
// the bucket of a value, and tensors of each numeric dtype.
#include "cairn/formats/events/summary_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "cairn/core/tensor.h"
#include "cairn/formats/events/event_writer.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

TEST(EventHistogramTest, DefaultBucketLimitsAreTensorFlows) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  ASSERT_EQ(limits.size(), 1551u);
  EXPECT_TRUE(std::is_sorted(limits.begin(), limits.end()));
  EXPECT_EQ(limits.front(), -DBL_MAX);
  EXPECT_EQ(limits.back(), DBL_MAX);
  EXPECT_EQ(limits[775], 0.0);
  EXPECT_EQ(limits[776], 1e-12);
  EXPECT_DOUBLE_EQ(limits[777], 1.1e-12);
  for (size_t i = 0; i < limits.size(); ++i) EXPECT_EQ(limits[i], -limits[limits.size() - 1 - i]);
}

TEST(EventHistogramTest, CountsAndCollapsesEmptyRuns) {
  auto histo = make_histogram({-1.0, 0.0, 0.5, 0.5, 2.0});
  ASSERT_TRUE(histo.ok());
  EXPECT_EQ(histo->min(), -1.0);
  EXPECT_EQ(histo->max(), 2.0);
  EXPECT_EQ(histo->num(), 5.0);
  EXPECT_EQ(histo->sum(), 2.0);
  EXPECT_EQ(histo->sum_squares(), 5.5);
  ASSERT_EQ(histo->bucket_size(), histo->bucket_limit_size());
  double total = 0;
  for (double c : histo->bucket()) total += c;
  EXPECT_EQ(total, 5.0);
  // Non-empty and empty entries alternate: no two empty runs are adjacent.
  for (int i = 1; i < histo->bucket_size(); ++i) {
    EXPECT_FALSE(histo->bucket(i) == 0 && histo->bucket(i - 1) == 0) << i;
  }
  EXPECT_EQ(histo->bucket_limit(histo->bucket_limit_size() - 1), DBL_MAX);
}

TEST(EventHistogramTest, EmptyInputHasOneBucket) {
  auto histo = make_histogram(std::vector<double>{});
  ASSERT_TRUE(histo.ok());
  EXPECT_EQ(histo->num(), 0.0);
  ASSERT_EQ(histo->bucket_size(), 1);
  EXPECT_EQ(histo->bucket_limit(0), DBL_MAX);
  EXPECT_EQ(histo->bucket(0), 0.0);
}

TEST(EventHistogramTest, ExtremeFiniteValuesStayInRange) {
  auto histo = make_histogram({DBL_MAX, -DBL_MAX, 1e300});
  ASSERT_TRUE(histo.ok());
  EXPECT_EQ(histo->num(), 3.0);
}

// The logarithm's guess finds the bucket a binary search finds, at every
// limit, on both sides of it, and between.
TEST(EventHistogramTest, BucketOfAValueIsTheFirstLimitAboveIt) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  auto binary_search = [&](double v) {
    return static_cast<size_t>(std::upper_bound(limits.begin(), limits.end() - 1, v) -
                               limits.begin());
  };
  std::vector<double> values = {0.0, -0.0, 5e-324, -5e-324, 1e-13, -1e-13, 0.5, -0.5, 1e300};
  for (double limit : limits) {
    values.push_back(limit);
    values.push_back(std::nextafter(limit, -DBL_MAX));
    values.push_back(std::nextafter(limit, DBL_MAX));
  }
  for (size_t i = 1; i < limits.size() - 2; ++i) values.push_back((limits[i] + limits[i + 1]) / 2);
  for (double v : values) EXPECT_EQ(histogram_bucket(v), binary_search(v)) << v;
  EXPECT_EQ(histogram_bucket(DBL_MAX), limits.size() - 1);
}

TEST(EventHistogramTest, TensorsCountLikeTheirValues) {
  const std::vector<double> values = {-1.5, 0.0, 0.25, 0.25, 3.0};
  auto expected = make_histogram(values);
  ASSERT_TRUE(expected.ok());
  for (DType dtype : {DType::kFloat32, DType::kFloat64, DType::kHalf}) {
    Tensor t(dtype, TensorShape({5}));
    for (size_t i = 0; i < values.size(); ++i) {
      if (dtype == DType::kFloat32) t.flat<float>()[i] = static_cast<float>(values[i]);
      if (dtype == DType::kFloat64) t.flat<double>()[i] = values[i];
      if (dtype == DType::kHalf)
        t.flat<half>()[i] = half::from_float(static_cast<float>(values[i]));
    }
    auto histo = make_histogram(t);
    ASSERT_TRUE(histo.ok()) << dtype_name(dtype);
    EXPECT_EQ(histo->SerializeAsString(), expected->SerializeAsString()) << dtype_name(dtype);
  }
  auto ints = make_histogram(Tensor::from_vector<int32_t>({1, 2, 2}, {3}));
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(ints->num(), 3.0);
  EXPECT_EQ(ints->max(), 2.0);
  Tensor strings(DType::kString, TensorShape({1}));
  EXPECT_EQ(make_histogram(strings).status().code(), StatusCode::kInvalidArgument);
  Tensor nan = Tensor::from_vector<float>({1.0f, std::nanf("")}, {2});
  MemoryFileSystem fs;
  auto writer = EventWriter::create(fs, "/logs");
  ASSERT_TRUE(writer.ok());
  Status bad = (*writer)->add_histogram("dense/kernel", nan, 1);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.to_string().find("dense/kernel"), std::string::npos) << bad.to_string();
}

}  // namespace
}  // namespace cairn
