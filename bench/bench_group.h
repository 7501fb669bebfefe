// Internal to `cairn-bench` under `mpirun -np N` (bench_train.h,
// bench_sharded_save.h): a ProcessGroup that forwards every collective to
// the job's real group and adds up the wall-clock time its all_reduce_sum
// calls took (data-parallel training's gradient sums), so that a benchmark
// can report what the all-reduce costs per step.
//
//   std::unique_ptr<ProcessGroup> mpi = cli::job_process_group(300);  // null without mpirun
//   TimedAllReduce timed(mpi ? *mpi : single_process());
//   model.set_process_group(timed);
//   model.fit(...);
//   double spent = timed.all_reduce_seconds();   // this rank's, waits for the others included
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/process_group.h"

namespace cairn::bench {

// Every rank's `value`, in rank order, on every rank.
std::vector<double> gather_doubles(ProcessGroup& group, double value, const std::string& what);

class TimedAllReduce final : public ProcessGroup {
 public:
  explicit TimedAllReduce(ProcessGroup& inner) : inner_(inner) {}

  ProcessGroup& inner() { return inner_; }
  // Seconds spent inside all_reduce_sum (both overloads) so far, and calls.
  double all_reduce_seconds() const { return seconds_; }
  int64_t all_reduce_calls() const { return calls_; }

  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  double timeout_seconds() const override { return inner_.timeout_seconds(); }
  void barrier(const std::string& what) override { inner_.barrier(what); }
  std::vector<std::string> all_gather(std::string_view bytes, const std::string& what) override {
    return inner_.all_gather(bytes, what);
  }
  void broadcast(std::string& bytes, int root, const std::string& what) override {
    inner_.broadcast(bytes, root, what);
  }
  void all_reduce_sum(std::span<float> values, const std::string& what) override;
  void all_reduce_sum(std::span<double> values, const std::string& what) override;

 private:
  ProcessGroup& inner_;
  double seconds_ = 0;
  int64_t calls_ = 0;
};

}  // namespace cairn::bench
