// `cairn-bench train --model mnist|mlp`: keras::Sequential::fit, timed from a
// callback at the end of each batch after a warm-up; the run ends by throwing
// from that callback once --seconds have been timed. On a group of ranks
// (mpirun) the ranks start and stop timing at the same step: they agree
// every kAgreeEvery steps (one small all-reduce on the job's group, not
// counted as the gradients' all-reduce).
#include <chrono>
#include <vector>

#include "bench/bench_group.h"
#include "bench/bench_train_models.h"
#include "bench/bench_train_workload.h"
#include "cairn/keras/sequential.h"

namespace cairn::bench::internal {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kAgreeEvery = 10;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Thrown by StepTimer to end fit() once enough steps were timed.
struct TimeIsUp {};

class StepTimer : public keras::Callback {
 public:
  StepTimer(double seconds, TimedAllReduce& group) : seconds_(seconds), group_(group) {}

  void on_train_begin(const keras::Logs& /*logs*/) override { begin_ = Clock::now(); }
  void on_train_batch_end(int /*batch*/, const keras::Logs& /*logs*/) override {
    const Clock::time_point now = Clock::now();
    ++batches_;
    if (!timing_) {  // warm-up: at least 3 steps and 0.3 s
      if (agreed(batches_ >= 3 && seconds_between(begin_, now) >= 0.3)) {
        timing_ = true, start_ = now, all_reduce_at_start_ = group_.all_reduce_seconds();
      }
      return;
    }
    ++steps_;
    elapsed_ = seconds_between(start_, now);
    step_ends_.push_back(elapsed_);
    if (agreed(elapsed_ >= seconds_ && steps_ >= kMinTimedSteps)) {
      all_reduce_seconds_ = group_.all_reduce_seconds() - all_reduce_at_start_;
      throw TimeIsUp{};
    }
  }
  int64_t steps() const { return steps_; }
  double elapsed() const { return elapsed_; }
  double all_reduce_seconds() const { return all_reduce_seconds_; }
  const std::vector<double>& step_ends() const { return step_ends_; }

 private:
  // Alone: `mine`. On a group: every kAgreeEvery batches, whether any rank
  // says yes (false in between).
  bool agreed(bool mine) {
    if (group_.size() == 1) return mine;
    if (batches_ % kAgreeEvery != 0) return false;
    double votes = mine ? 1 : 0;
    group_.inner().all_reduce_sum(std::span<double>(&votes, 1), "cairn-bench train: timing");
    return votes > 0;
  }

  double seconds_;
  TimedAllReduce& group_;
  Clock::time_point begin_, start_;
  bool timing_ = false;
  int64_t batches_ = 0;
  int64_t steps_ = 0;
  double elapsed_ = 0.0;
  double all_reduce_at_start_ = 0.0, all_reduce_seconds_ = 0.0;
  std::vector<double> step_ends_;
};

}  // namespace

TrainMeasurement bench_keras(const std::string& model, double seconds, int64_t samples, int batch,
                             ProcessGroup& group) {
  Workload w = make_workload(model, samples);
  if (batch > 0) w.batch = batch;
  TimedAllReduce timed(group);
  w.model.set_process_group(timed);
  auto timer = std::make_shared<StepTimer>(seconds, timed);
  try {
    w.model.fit(w.x, w.y,
                {.epochs = 1 << 30, .batch_size = w.batch, .callbacks = {timer}, .verbose = 0});
  } catch (const TimeIsUp&) {
  }
  return {.code_path = "keras::Sequential::fit",
          .macs = w.macs,
          .batch = w.batch,
          .steps = timer->steps(),
          .seconds = timer->elapsed(),
          .step_ends = timer->step_ends(),
          .all_reduce_seconds_by_rank = gather_doubles(group, timer->all_reduce_seconds(),
                                                       "cairn-bench train: all-reduce seconds")};
}

}  // namespace cairn::bench::internal
