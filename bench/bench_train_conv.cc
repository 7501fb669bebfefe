// `cairn-bench train --model cnn`: besides fit(), the CNN's two Conv2D layers
// timed alone (bench_train_models.h), so their GFLOP/s can be set against the
// SGEMM peak of `cairn-bench gemm`. They run as fit() runs them: forward_kept
// with training on, then backprop of a relu output's gradient, the first
// layer without its input gradient (fit() skips it for a model's first layer).
#include <chrono>
#include <random>
#include <vector>

#include "bench/bench_train_models.h"
#include "cairn/keras/layers/conv.h"

namespace cairn::bench::internal {
namespace {

using ConvClock = std::chrono::steady_clock;

constexpr int64_t kConvBatch = 64;

struct TimedConv {
  keras::Conv2D layer;
  nn::Matrix x, dy;
  bool input_gradient = true;
};

nn::Matrix conv_bench_random(int64_t rows, int64_t cols, std::mt19937_64& rng) {
  std::normal_distribution<float> normal;
  nn::Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

TimedConv make_timed_conv(int64_t filters, const keras::Shape& input, bool input_gradient,
                          std::mt19937_64& rng) {
  TimedConv c{.layer = keras::Conv2D(filters, {3, 3}, {.activation = "relu"}),
              .input_gradient = input_gradient};
  const keras::Shape out = c.layer.build(input, rng);
  c.x = conv_bench_random(kConvBatch, input[0] * input[1] * input[2], rng);
  c.dy = conv_bench_random(kConvBatch, out[0] * out[1] * out[2], rng);
  return c;
}

void conv_step(std::vector<TimedConv>& convs, std::mt19937_64& rng) {
  for (TimedConv& c : convs) {
    c.layer.forward_kept(c.x, /*training=*/true, rng);
    c.layer.backprop(c.dy, {.input_gradient = c.input_gradient});
  }
}

double conv_seconds_since(ConvClock::time_point start) {
  return std::chrono::duration<double>(ConvClock::now() - start).count();
}

}  // namespace

std::vector<double> cnn_conv_macs() {
  return {26.0 * 26 * (3 * 3 * 1) * 32, 11.0 * 11 * (3 * 3 * 32) * 64};
}

TrainMeasurement bench_cnn_convolutions(double seconds) {
  std::mt19937_64 rng(42);
  std::vector<TimedConv> convs;
  convs.push_back(make_timed_conv(32, {28, 28, 1}, false, rng));
  convs.push_back(make_timed_conv(64, {13, 13, 32}, true, rng));
  const ConvClock::time_point warm_start = ConvClock::now();
  for (int warm = 0; warm < 3 || conv_seconds_since(warm_start) < 0.3; ++warm) {
    conv_step(convs, rng);
  }
  TrainMeasurement m{.code_path = "keras::Conv2D forward_kept + backprop",
                     .macs = cnn_conv_macs(),
                     .batch = kConvBatch};
  const ConvClock::time_point start = ConvClock::now();
  while (m.steps < kMinTimedSteps || m.seconds < seconds) {
    conv_step(convs, rng);
    ++m.steps;
    m.seconds = conv_seconds_since(start);
    m.step_ends.push_back(m.seconds);
  }
  return m;
}

}  // namespace cairn::bench::internal
