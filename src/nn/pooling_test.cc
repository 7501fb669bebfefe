#include "cairn/nn/pooling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cairn/core/errors.h"
#include "cairn/nn/gemm.h"
#include "nn/gradient_check.h"

namespace cairn::nn {
namespace {

using testing::expect_gradients_near;
using testing::numeric_gradient;
using testing::random_matrix;
using testing::weighted_sum;

// A 1 x 4 x 4 x 1 image 0..15.
Matrix ramp() {
  Matrix x(1, 16);
  for (int i = 0; i < 16; ++i) x(0, i) = static_cast<float>(i);
  return x;
}

TEST(PoolingTest, GeometryMatchesTensorFlow) {
  PoolGeometry valid = pool_geometry({.height = 7, .width = 5, .pool = {3, 2}, .strides = {2, 2}});
  EXPECT_EQ(valid.out_height, 3);
  EXPECT_EQ(valid.out_width, 2);
  PoolGeometry same = pool_geometry(
      {.height = 7, .width = 5, .pool = {3, 2}, .strides = {2, 2}, .same_padding = true});
  EXPECT_EQ(same.out_height, 4);  // ceil(7 / 2)
  EXPECT_EQ(same.out_width, 3);
  EXPECT_EQ(same.pad_top, 1);   // (4 - 1) * 2 + 3 - 7 = 2, split 1 / 1
  EXPECT_EQ(same.pad_left, 0);  // (3 - 1) * 2 + 2 - 5 = 1, split 0 / 1
}

TEST(PoolingTest, BadGeometryIsInvalidArgument) {
  EXPECT_THROW(pool_geometry({.height = 2, .width = 2, .pool = {3, 1}}), InvalidArgumentError);
  EXPECT_THROW(pool_geometry({.height = 2, .width = 2, .strides = {0, 1}}), InvalidArgumentError);
  EXPECT_THROW(pool_geometry({.height = 0}), InvalidArgumentError);
  EXPECT_NO_THROW(pool_geometry({.height = 2, .width = 2, .pool = {3, 3}, .same_padding = true}));
}

TEST(PoolingTest, MaxAndAverageOfKnownWindows) {
  const PoolGeometry g =
      pool_geometry({.height = 4, .width = 4, .pool = {2, 2}, .strides = {2, 2}});
  Pool2D max(PoolKind::kMax, g), avg(PoolKind::kAverage, g);
  EXPECT_EQ(max.forward(ramp()), (Matrix(1, 4) << 5, 7, 13, 15).finished());
  EXPECT_EQ(avg.forward(ramp()), (Matrix(1, 4) << 2.5, 4.5, 10.5, 12.5).finished());
}

TEST(PoolingTest, SamePaddingAveragesOnlyRealElements) {
  // 3 x 3 windows, stride 2, on 4 x 4: padding 0 before, 1 after.
  const PoolGeometry g = pool_geometry(
      {.height = 4, .width = 4, .pool = {3, 3}, .strides = {2, 2}, .same_padding = true});
  Pool2D avg(PoolKind::kAverage, g), max(PoolKind::kMax, g);
  // Last window: rows 2..3, cols 2..3 -> 10, 11, 14, 15.
  EXPECT_FLOAT_EQ(avg.forward(ramp())(0, 3), 12.5f);
  EXPECT_FLOAT_EQ(max.forward(-ramp())(0, 3), -10.0f);  // padding never wins
}

void check_gradients(PoolKind kind, const PoolGeometryOptions& options) {
  const PoolGeometry g = pool_geometry(options);
  Pool2D pool(kind, g);
  const Matrix x = random_matrix(2, g.input_size(), 1);
  const Matrix w = random_matrix(2, g.output_size(), 2);
  pool.forward(x);
  const Matrix dx = pool.backward(w);
  auto loss = [&](const Matrix& in) {
    Pool2D probe(kind, g);
    return weighted_sum(probe.forward(in), w);
  };
  expect_gradients_near(dx, numeric_gradient(loss, x, 1e-3f));
}

TEST(PoolingTest, GradientsMatchNumeric) {
  for (PoolKind kind : {PoolKind::kMax, PoolKind::kAverage}) {
    for (bool same : {false, true}) {
      SCOPED_TRACE(same);
      check_gradients(kind, {.height = 5,
                             .width = 4,
                             .channels = 3,
                             .pool = {2, 3},
                             .strides = {2, 1},
                             .same_padding = same});
      // Overlapping windows: a max element may win several outputs.
      check_gradients(kind, {.height = 1,
                             .width = 7,
                             .channels = 2,
                             .pool = {1, 3},
                             .strides = {1, 1},
                             .same_padding = same});
    }
  }
}

// Two threads pool each half of the batch on its own thread: every sample's
// output and input gradient are exactly one thread's.
TEST(PoolingTest, RangesOnThreadsGiveOneThreadsResults) {
  const PoolGeometry g = pool_geometry({.height = 6,
                                        .width = 5,
                                        .channels = 3,
                                        .pool = {2, 2},
                                        .strides = {2, 2},
                                        .same_padding = true});
  const Matrix x = testing::random_matrix(9, g.input_size(), 3);
  const Matrix dy = testing::random_matrix(9, g.output_size(), 4);
  for (PoolKind kind : {PoolKind::kMax, PoolKind::kAverage}) {
    Matrix y[2], dx[2];
    for (int threads : {1, 2}) {
      const int before = num_threads();
      set_num_threads(threads);
      Pool2D pool(kind, g);
      y[threads - 1] = pool.forward(x);
      dx[threads - 1] = pool.backward(dy);
      set_num_threads(before);
    }
    EXPECT_EQ(y[1], y[0]);
    EXPECT_EQ(dx[1], dx[0]);
  }
}

// Max pooling scans a window in row-major order and keeps a value only when a
// later one is strictly larger: ties go to the first, a NaN first stays, a
// NaN later is passed over.
TEST(PoolingTest, MaxKeepsTheFirstOfTiesAndSkipsLaterNaNs) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const PoolGeometry g = pool_geometry({.height = 2, .width = 2, .channels = 3, .pool = {2, 2}});
  Matrix x(1, 12);  // positions (0,0) (0,1) (1,0) (1,1), 3 channels each
  x << 5, nan, 1,   //
      5, 2, nan,    //
      5, 3, 4,      //
      5, 1, 2;
  Pool2D pool(PoolKind::kMax, g);
  const Matrix y = pool.forward(x);
  EXPECT_EQ(y(0, 0), 5.0f);
  EXPECT_TRUE(std::isnan(y(0, 1)));
  EXPECT_EQ(y(0, 2), 4.0f);
  Matrix dy(1, 3);
  dy << 10, 20, 30;
  Matrix expected = Matrix::Zero(1, 12);
  expected(0, 0) = 10;  // the first 5
  expected(0, 1) = 20;  // the NaN that came first
  expected(0, 8) = 30;  // the 4, past the NaN before it
  EXPECT_EQ(pool.backward(dy), expected);
  EXPECT_THROW(pool_geometry({.height = 65536, .width = 65536, .channels = 1}),
               InvalidArgumentError);
}

TEST(PoolingTest, GlobalPoolingValuesAndGradients) {
  // Two positions, two channels: (1, 4), (3, 2).
  const Matrix x = (Matrix(1, 4) << 1, 4, 3, 2).finished();
  GlobalPool max(PoolKind::kMax, 2, 2), avg(PoolKind::kAverage, 2, 2);
  EXPECT_EQ(max.forward(x), (Matrix(1, 2) << 3, 4).finished());
  EXPECT_EQ(avg.forward(x), (Matrix(1, 2) << 2, 3).finished());
  for (PoolKind kind : {PoolKind::kMax, PoolKind::kAverage}) {
    GlobalPool pool(kind, 6, 3);
    const Matrix in = random_matrix(3, 18, 3), w = random_matrix(3, 3, 4);
    pool.forward(in);
    const Matrix dx = pool.backward(w);
    auto loss = [&](const Matrix& probe_x) {
      GlobalPool probe(kind, 6, 3);
      return weighted_sum(probe.forward(probe_x), w);
    };
    expect_gradients_near(dx, numeric_gradient(loss, in, 1e-3f));
  }
}

}  // namespace
}  // namespace cairn::nn
