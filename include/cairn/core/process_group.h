// ProcessGroup: the processes (ranks 0..size-1) that train one model
// together, and the few collectives cairn needs from them: a barrier,
// gathering every rank's bytes, a broadcast, and a deterministic sum.
//
// Code that works in one process and in many takes a ProcessGroup& and asks
// it; single_process() is the group of one, whose collectives return at
// once. The Open MPI group is cairn/distribute/mpi_process_group.h; threads
// standing in for ranks (tests, simulations) are cairn/core/in_process_group.h.
//
//   cairn::ProcessGroup& group = ...;   // rank 1 of 3, say
//   std::vector<std::string> all = group.all_gather(my_entries, "checkpoint save at step 200");
//   // all[r] is rank r's bytes, on every rank
//   cairn::agree(group, my_status, "checkpoint save at step 200");
//   // throws on every rank when any rank failed, naming it and its error
//
// Every collective waits at most timeout_seconds() for the other ranks; then
// it throws DeadlineExceededError naming `what` (the step, the save) and the
// ranks that did not arrive, instead of hanging. A group that timed out is
// broken: its later collectives throw AbortedError at once (the other ranks
// may be stuck anywhere), and the caller should end the job.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"

namespace cairn {

class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Rank 0 logs, writes events and summaries, and commits checkpoints.
  bool is_chief() const { return rank() == 0; }
  // How long a collective waits for the other ranks.
  virtual double timeout_seconds() const = 0;

  // Returns once every rank has called barrier() for the same `what`.
  virtual void barrier(const std::string& what) = 0;
  // Every rank's `bytes` in rank order, on every rank.
  virtual std::vector<std::string> all_gather(std::string_view bytes, const std::string& what) = 0;
  // Rank `root`'s `bytes`, on every rank (`bytes` is replaced on the others).
  virtual void broadcast(std::string& bytes, int root, const std::string& what) = 0;
  // Replaces `values` by their element-wise sum over the ranks. Every rank
  // gets the same bits, and so does every run of the same ranks on the same
  // inputs (the summation order is fixed). `values` has the same length on
  // every rank.
  virtual void all_reduce_sum(std::span<float> values, const std::string& what) = 0;
  virtual void all_reduce_sum(std::span<double> values, const std::string& what) = 0;
};

// The group of this process alone: rank 0 of 1.
ProcessGroup& single_process();

// Every rank passes its own outcome of a step that all ranks did (wrote
// their shard, restored their variables). Returns when all succeeded;
// otherwise throws, on every rank, the first failed rank's error (its type
// kept) prefixed with "rank R: ", so each process says the same thing.
void agree(ProcessGroup& group, const Status& mine, const std::string& what);

// Runs fn() on this rank, then agree()s on its outcome: whatever fn threw
// (its cairn::Error type kept; other exceptions as InternalError) is thrown
// on every rank, prefixed with the rank. In a group of one, fn's exception
// passes through unchanged.
void run_and_agree(ProcessGroup& group, const std::function<void()>& fn, const std::string& what);

// "ranks 1, 2" / "rank 1": for error messages naming ranks.
std::string describe_ranks(const std::vector<int>& ranks);

// The half-open slice [begin, end) of `rows` items that `rank` of `size`
// takes: consecutive, sizes differing by at most one, lower ranks first.
struct RankSlice {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t rows() const { return end - begin; }
};
RankSlice rank_slice(int64_t rows, int rank, int size);

}  // namespace cairn
