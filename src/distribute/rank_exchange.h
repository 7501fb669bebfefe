// RankExchange: the one message pattern behind every MpiProcessGroup
// collective. Each rank sends rank 0 its bytes and the name of the
// collective it is in; rank 0 waits for all of them until a deadline,
// combines them (gather, pick, sum) and sends every rank the result, or the
// verdict that some ranks did not arrive (named) or were elsewhere.
//
// Why through rank 0 and not MPI's collectives: MPI_Barrier/MPI_Allgather
// cannot time out or say who is missing; point-to-point messages polled
// with MPI_Test can, and only rank 0 sees who has arrived, so it tells the
// others. Messages of the n-th collective carry tag n (mod MPI_TAG_UB), so
// two collectives never mix their messages.
//
// The buffers are members, reused from one collective to the next: a fresh
// 16 MB buffer costs 4096 page faults (~100 ms in this project's VMs, more
// than the transfer), and a broken group's requests left in flight may
// still touch them until MPI_Abort ends the process.
#pragma once

#include <mpi.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"

namespace cairn::distribute::internal {

class RankExchange {
 public:
  // Rank 0's combination of every rank's bytes (in rank order, its own
  // included) into `answer`, the bytes every rank returns. May throw a
  // cairn::Error (e.g. lengths that differ): every rank then throws it.
  using Combine =
      std::function<void(const std::vector<std::string_view>& parts, std::string& answer)>;

  RankExchange(MPI_Comm comm, double timeout_seconds);

  // One collective of `kind` ("barrier", "broadcast from 1", ...) named
  // `what`: returns rank 0's combination of every rank's `mine`, valid until
  // the next run. Throws DeadlineExceededError naming the ranks that did not
  // arrive, InternalError when ranks are in different collectives (another
  // `what` or kind; both errors break the group), AbortedError once the
  // group is broken.
  std::string_view run(std::string_view mine, std::string_view kind, const std::string& what,
                       const Combine& combine);

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Why the group broke; empty while it works.
  const std::string& broken() const { return broken_; }

 private:
  std::string_view run_root(std::string_view mine, const std::string& label,
                            const std::string& what, const Combine& combine, int tag);
  std::string_view run_other(std::string_view mine, const std::string& label,
                             const std::string& what, int tag);
  // Receives every other rank's arrival into inbox_[r] until they all came
  // or the deadline passed; returns the ranks whose arrival did not come,
  // and in `arriving` those that were sending theirs (waiting for answers).
  std::vector<int> gather_at_root(int tag, std::vector<int>& arriving);
  // Sends outbox_ to `ranks` and waits at most `seconds` for the sends;
  // returns the ranks that did not take it.
  std::vector<int> send_outbox(const std::vector<int>& ranks, int tag, double seconds);
  // Rank 0 tells `ranks` that the collective failed with `status`, then
  // throws it; `breaks`: the ranks are out of step and the group is broken.
  [[noreturn]] void fail_at_root(const Status& status, bool breaks, const std::vector<int>& ranks,
                                 int tag);
  // Throws `status`, first marking the group broken when `breaks`.
  [[noreturn]] void fail(const Status& status, bool breaks);

  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int tag_limit_ = 32767;  // MPI_TAG_UB: the standard's minimum until asked
  double timeout_seconds_;
  uint64_t sequence_ = 0;  // collectives run so far, the same on every rank
  std::string broken_;
  std::vector<std::string> inbox_;  // rank 0: every rank's arrival
  std::string outbox_;              // what this rank sends: its arrival, or rank 0's answer
  std::string answer_;              // rank 0's answer, received by the others
};

}  // namespace cairn::distribute::internal
