// The collectives' flow (rank_exchange.h); their bytes are rank_messages.h.
#include "distribute/rank_exchange.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <thread>

#include "cairn/core/errors.h"
#include "cairn/core/process_group.h"
#include "distribute/rank_messages.h"

namespace cairn::distribute::internal {
namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point after(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", seconds);
  return text;
}

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw InternalError(std::string(call) + " failed: " + std::string(text, length));
}

// Waiting without burning a core: the first polls spin (a collective whose
// ranks are all there completes in microseconds), then each idle poll sleeps
// twice as long as the last, up to 256 us. While a transfer with a rank
// known to be there is in flight (`busy`), it only yields: MPI moves large
// messages in pieces, each needing a poll on both sides.
class Backoff {
 public:
  void progressed() { idle_polls_ = 0; }
  void idle(bool busy) {
    if (++idle_polls_ <= 100) return;
    if (busy) return std::this_thread::yield();
    const int doublings = std::min(idle_polls_ - 100, 5);
    std::this_thread::sleep_for(std::chrono::microseconds(8 << doublings));
  }

 private:
  int idle_polls_ = 0;
};

// Starts receiving the message from `source` with `tag` into `buffer` once
// it is there (resizing it to fit); returns whether it was.
bool start_receive(MPI_Comm comm, int source, int tag, std::string& buffer, MPI_Request& request) {
  int found = 0;
  MPI_Status status;
  check(MPI_Iprobe(source, tag, comm, &found, &status), "MPI_Iprobe");
  if (!found) return false;
  int bytes = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &bytes), "MPI_Get_count");
  buffer.resize(static_cast<size_t>(bytes));
  check(MPI_Irecv(buffer.data(), bytes, MPI_BYTE, source, tag, comm, &request), "MPI_Irecv");
  return true;
}

bool test(MPI_Request& request) {
  int complete = 0;
  check(MPI_Test(&request, &complete, MPI_STATUS_IGNORE), "MPI_Test");
  return complete != 0;
}

}  // namespace

RankExchange::RankExchange(MPI_Comm comm, double timeout_seconds)
    : comm_(comm), timeout_seconds_(timeout_seconds) {
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
  int* tag_ub = nullptr;
  int found = 0;
  check(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tag_ub, &found), "MPI_Comm_get_attr");
  if (found && tag_ub != nullptr) tag_limit_ = *tag_ub;
  inbox_.resize(size_);
}

std::string_view RankExchange::run(std::string_view mine, std::string_view kind,
                                   const std::string& what, const Combine& combine) {
  if (!broken_.empty()) throw AbortedError(what + ": the process group is broken: " + broken_);
  // Counts are ints in MPI; rank 0's answer to a gather holds every part.
  if ((mine.size() + what.size() + 64) * static_cast<size_t>(size_) > INT_MAX) {
    throw InvalidArgumentError(what + ": " + std::to_string(mine.size()) +
                               " bytes per rank are more than one MPI message holds (2 GiB)");
  }
  const int tag = static_cast<int>(sequence_++ % (static_cast<uint64_t>(tag_limit_) + 1));
  const std::string label = label_of(kind, what);
  return rank_ == 0 ? run_root(mine, label, what, combine, tag) : run_other(mine, label, what, tag);
}

std::string_view RankExchange::run_root(std::string_view mine, const std::string& label,
                                        const std::string& what, const Combine& combine, int tag) {
  std::vector<int> others;
  const std::vector<int> missing = gather_at_root(tag, others);
  if (!missing.empty()) {
    fail_at_root(Status(StatusCode::kDeadlineExceeded, what + ": " + describe_ranks(missing) +
                                                           " did not arrive within " +
                                                           seconds_text(timeout_seconds_) + " s"),
                 true, others, tag);
  }
  std::vector<std::string_view> parts(size_);
  parts[0] = mine;
  for (int r = 1; r < size_; ++r) {
    auto [their_label, payload] = parse_arrival(inbox_[r]);
    if (their_label != label) {
      fail_at_root(Status(StatusCode::kInternal, describe_mismatch(r, their_label, label)), true,
                   others, tag);
    }
    parts[r] = payload;
  }
  try {
    combine(parts, outbox_);
  } catch (const Error& e) {  // e.g. lengths that differ: every rank says so
    fail_at_root(Status(e.code(), what + ": " + e.what()), false, others, tag);
  }
  outbox_.push_back('\0');
  const std::vector<int> slow = send_outbox(others, tag, timeout_seconds_);
  if (!slow.empty()) {
    fail(Status(StatusCode::kDeadlineExceeded, what + ": " + describe_ranks(slow) +
                                                   " did not take the result within " +
                                                   seconds_text(timeout_seconds_) + " s"),
         true);
  }
  return std::string_view(outbox_).substr(0, outbox_.size() - 1);
}

std::vector<int> RankExchange::gather_at_root(int tag, std::vector<int>& arriving) {
  const Clock::time_point deadline = after(timeout_seconds_);
  std::vector<MPI_Request> requests(size_, MPI_REQUEST_NULL);
  std::vector<bool> started(size_, false), done(size_, false);
  int waiting = size_ - 1, receiving = 0;
  Backoff backoff;
  while (waiting > 0) {
    bool progressed = false;
    for (int r = 1; r < size_; ++r) {
      if (!started[r] && start_receive(comm_, r, tag, inbox_[r], requests[r])) {
        started[r] = progressed = true;
        ++receiving;
      }
      if (started[r] && !done[r] && test(requests[r])) {
        done[r] = progressed = true;
        --waiting, --receiving;
      }
    }
    if (progressed) {
      backoff.progressed();
    } else if (Clock::now() >= deadline) {
      break;
    } else {
      backoff.idle(receiving > 0);
    }
  }
  std::vector<int> missing;
  for (int r = 1; r < size_; ++r) {
    if (started[r]) arriving.push_back(r);
    if (!done[r]) missing.push_back(r);
  }
  return missing;
}

std::vector<int> RankExchange::send_outbox(const std::vector<int>& ranks, int tag, double seconds) {
  // Every send reads the same buffer (allowed since MPI 3).
  std::vector<MPI_Request> requests(ranks.size(), MPI_REQUEST_NULL);
  for (size_t i = 0; i < ranks.size(); ++i) {
    check(MPI_Isend(outbox_.data(), static_cast<int>(outbox_.size()), MPI_BYTE, ranks[i], tag,
                    comm_, &requests[i]),
          "MPI_Isend");
  }
  const Clock::time_point deadline = after(seconds);
  Backoff backoff;
  for (;;) {
    int all = 0;
    check(
        MPI_Testall(static_cast<int>(requests.size()), requests.data(), &all, MPI_STATUSES_IGNORE),
        "MPI_Testall");
    if (all || Clock::now() >= deadline) break;
    backoff.idle(true);  // the ranks are there, waiting for this
  }
  std::vector<int> slow;
  for (size_t i = 0; i < ranks.size(); ++i) {
    if (requests[i] != MPI_REQUEST_NULL) slow.push_back(ranks[i]);  // left in flight
  }
  return slow;
}

void RankExchange::fail_at_root(const Status& status, bool breaks, const std::vector<int>& ranks,
                                int tag) {
  outbox_ = status.message();
  outbox_.push_back(static_cast<char>(static_cast<int>(status.code()) | (breaks ? kBreaks : 0)));
  // The ranks told are waiting for this answer: the sends complete at once,
  // or those ranks are gone and the group is broken anyway.
  const bool told = send_outbox(ranks, tag, std::min(1.0, timeout_seconds_)).empty();
  fail(status, breaks || !told);
}

void RankExchange::fail(const Status& status, bool breaks) {
  if (breaks) broken_ = status.message();
  throw_if_error(status);
  throw InternalError("unreachable: a failed collective without an error");
}

std::string_view RankExchange::run_other(std::string_view mine, const std::string& label,
                                         const std::string& what, int tag) {
  write_arrival(label, mine, outbox_);
  MPI_Request sent = MPI_REQUEST_NULL, received = MPI_REQUEST_NULL;
  check(MPI_Isend(outbox_.data(), static_cast<int>(outbox_.size()), MPI_BYTE, 0, tag, comm_, &sent),
        "MPI_Isend");
  const double patience = timeout_seconds_ + std::max(1.0, 0.1 * timeout_seconds_);
  const Clock::time_point deadline = after(patience);
  bool delivered = false, receiving = false, answered = false;
  Backoff backoff;
  while (!(answered && delivered)) {
    bool progressed = false;
    if (!delivered && test(sent)) delivered = progressed = true;
    if (!receiving && start_receive(comm_, 0, tag, answer_, received))
      receiving = progressed = true;
    if (receiving && !answered && test(received)) {
      answered = progressed = true;
      // A verdict that breaks the group may come before rank 0 took our
      // arrival: stop waiting (outbox_ stays for the send left in flight).
      if (!answer_.empty() && (static_cast<unsigned char>(answer_.back()) & kBreaks) != 0) break;
    }
    if (progressed) {
      backoff.progressed();
    } else if (Clock::now() >= deadline) {
      fail(Status(StatusCode::kDeadlineExceeded,
                  what + ": rank 0 did not answer within " + seconds_text(patience) + " s"),
           true);
    } else {
      backoff.idle(receiving);
    }
  }
  if (answer_.empty()) {
    fail(Status(StatusCode::kInternal, what + ": rank 0 sent an empty answer"), true);
  }
  const auto trailer = static_cast<unsigned char>(answer_.back());
  answer_.pop_back();
  if (trailer != 0) {
    const auto code = static_cast<StatusCode>(trailer & ~kBreaks);
    fail(Status(code, answer_), (trailer & kBreaks) != 0);
  }
  return answer_;
}

}  // namespace cairn::distribute::internal
