// InProcessGroup: `size` ranks of a ProcessGroup inside one process, one
// thread each; what tests and simulations use to run multi-rank code
// (sharded saves, data-parallel training) without launching processes.
//
//   cairn::InProcessGroup group(3, {.timeout_seconds = 5});
//   group.run([&](cairn::ProcessGroup& rank) {
//     // runs on 3 threads, rank.rank() = 0, 1, 2
//     rank.barrier("start");
//   });
//   // rethrows the first exception a rank threw, after every thread ended
//
// Sums are computed in rank order, so they are deterministic. A rank that
// never arrives makes the others throw DeadlineExceededError naming it.
#pragma once

#include <functional>
#include <memory>

#include "cairn/core/process_group.h"

namespace cairn {

struct InProcessGroupOptions {
  double timeout_seconds = 60;
};

class InProcessGroup {
 public:
  explicit InProcessGroup(int size, InProcessGroupOptions options = {});
  ~InProcessGroup();
  InProcessGroup(const InProcessGroup&) = delete;
  InProcessGroup& operator=(const InProcessGroup&) = delete;

  int size() const;
  // The handle of rank `r` (valid while this object lives).
  ProcessGroup& rank(int r);

  // Runs fn(rank(r)) on one thread per rank and joins them all; rethrows
  // the exception of the lowest rank that threw.
  void run(const std::function<void(ProcessGroup&)>& fn);

 private:
  struct Shared;
  class Rank;
  std::shared_ptr<Shared> shared_;
  std::vector<std::unique_ptr<Rank>> ranks_;
};

}  // namespace cairn
