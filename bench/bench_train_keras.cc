// `cairn-bench train --model mnist|mlp`: keras::Sequential::fit, timed from a
// callback at the end of each batch after a warm-up; the run ends by throwing
// from that callback once --seconds have been timed.
#include <chrono>
#include <vector>

#include "bench/bench_train_models.h"
#include "bench/bench_train_workload.h"
#include "cairn/keras/sequential.h"

namespace cairn::bench::internal {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Thrown by StepTimer to end fit() once enough steps were timed.
struct TimeIsUp {};

class StepTimer : public keras::Callback {
 public:
  explicit StepTimer(double seconds) : seconds_(seconds) {}

  void on_train_begin(const keras::Logs& /*logs*/) override { begin_ = Clock::now(); }
  void on_train_batch_end(int /*batch*/, const keras::Logs& /*logs*/) override {
    const Clock::time_point now = Clock::now();
    if (!timing_) {  // warm-up: at least 3 steps and 0.3 s
      if (++warm_steps_ >= 3 && seconds_between(begin_, now) >= 0.3) timing_ = true, start_ = now;
      return;
    }
    ++steps_;
    elapsed_ = seconds_between(start_, now);
    step_ends_.push_back(elapsed_);
    if (elapsed_ >= seconds_ && steps_ >= kMinTimedSteps) throw TimeIsUp{};
  }
  int64_t steps() const { return steps_; }
  double elapsed() const { return elapsed_; }
  const std::vector<double>& step_ends() const { return step_ends_; }

 private:
  double seconds_;
  Clock::time_point begin_, start_;
  bool timing_ = false;
  int warm_steps_ = 0;
  int64_t steps_ = 0;
  double elapsed_ = 0.0;
  std::vector<double> step_ends_;
};

}  // namespace

TrainMeasurement bench_keras(const std::string& model, double seconds, int64_t samples) {
  Workload w = make_workload(model, samples);
  auto timer = std::make_shared<StepTimer>(seconds);
  try {
    w.model.fit(w.x, w.y,
                {.epochs = 1 << 30, .batch_size = w.batch, .callbacks = {timer}, .verbose = 0});
  } catch (const TimeIsUp&) {
  }
  return {.code_path = "keras::Sequential::fit",
          .layers = w.layers,
          .batch = w.batch,
          .steps = timer->steps(),
          .seconds = timer->elapsed(),
          .step_ends = timer->step_ends()};
}

}  // namespace cairn::bench::internal
