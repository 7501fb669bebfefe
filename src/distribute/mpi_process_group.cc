// MpiProcessGroup: MPI's start and end, and each collective as one
// RankExchange (rank_exchange.h) with rank 0's combination of the parts.
//
// The sum is computed by rank 0 in rank order (0 + v0 + v1 + ...) and sent
// back, not by MPI_Allreduce: MPI lets each algorithm (and each rank count,
// message size, and rank within it) associate the additions differently and
// does not promise every rank the same bits; this order gives the same bits
// on every rank, in every run, and the same as InProcessGroup, so a test
// with threads predicts an mpirun bit for bit. It also keeps the deadline
// and the naming of missing ranks of the other collectives. The cost: rank 0
// receives and sends (N-1) copies of the values and adds them alone.
// Measured at 2 ranks on the 2-core CI VM (`mpi_faults_mpi_test measure`):
// 1 MB in ~2-6 ms against MPI_Allreduce's ~1.3-2 ms, 16 MB in ~50-120 ms
// against ~15-35 ms; a barrier takes 3-20 us. An MLP's gradients are far
// smaller than 16 MB.
#include "cairn/distribute/mpi_process_group.h"

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "cairn/core/errors.h"
#include "distribute/rank_exchange.h"

namespace cairn::distribute {
namespace {

// Starts MPI unless the application did; returns whether we did.
bool start_mpi() {
  int started = 0, ended = 0;
  MPI_Initialized(&started);
  MPI_Finalized(&ended);
  if (ended) {
    throw FailedPreconditionError(
        "MPI was already finalized in this process (it cannot start twice): keep one "
        "MpiProcessGroup for the whole job");
  }
  if (started) return false;
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
    throw UnavailableError("MPI_Init_thread failed: is Open MPI installed and mpirun used?");
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw UnimplementedError("this MPI does not allow calls from several threads, one at a time");
  }
  return true;
}

// Element-wise sum of the ranks' values in rank order, 0 + v0 + v1 + ...
// (InProcessGroup's order, -0 included); every part must have rank 0's length.
template <typename T>
void sum_in_rank_order(const std::vector<std::string_view>& parts, std::string& answer) {
  for (size_t r = 0; r < parts.size(); ++r) {
    if (parts[r].size() != parts[0].size()) {
      throw InvalidArgumentError("rank " + std::to_string(r) + " sums " +
                                 std::to_string(parts[r].size() / sizeof(T)) + " values, rank 0 " +
                                 std::to_string(parts[0].size() / sizeof(T)));
    }
  }
  const size_t count = parts[0].size() / sizeof(T);
  answer.resize(count * sizeof(T));
  for (size_t i = 0; i < count; ++i) {
    T total = T(0), value;
    for (std::string_view part : parts) {
      std::memcpy(&value, part.data() + i * sizeof(T), sizeof(T));
      total += value;
    }
    std::memcpy(answer.data() + i * sizeof(T), &total, sizeof(T));
  }
}

// all_gather's answer: each part as [u64 length][bytes].
void join_parts(const std::vector<std::string_view>& parts, std::string& joined) {
  joined.clear();
  for (std::string_view part : parts) {
    const uint64_t length = part.size();
    joined.append(reinterpret_cast<const char*>(&length), sizeof(length));
    joined.append(part);
  }
}

std::vector<std::string> split_parts(std::string_view joined, int size) {
  std::vector<std::string> parts;
  for (int r = 0; r < size; ++r) {
    uint64_t length = 0;
    if (joined.size() < sizeof(length)) throw InternalError("all_gather: a truncated answer");
    std::memcpy(&length, joined.data(), sizeof(length));
    joined.remove_prefix(sizeof(length));
    if (joined.size() < length) throw InternalError("all_gather: a truncated answer");
    parts.emplace_back(joined.substr(0, length));
    joined.remove_prefix(length);
  }
  return parts;
}

}  // namespace

struct MpiProcessGroup::State {
  double timeout_seconds = 0;
  bool started_mpi = false;
  MPI_Comm comm = MPI_COMM_NULL;
  std::unique_ptr<internal::RankExchange> exchange;
  std::mutex mu;  // one collective at a time (MPI_THREAD_SERIALIZED)
};

MpiProcessGroup::MpiProcessGroup(MpiProcessGroupOptions options)
    : state_(std::make_unique<State>()) {
  if (!(options.timeout_seconds > 0)) {
    throw InvalidArgumentError("MpiProcessGroup: timeout_seconds must be positive, not " +
                               std::to_string(options.timeout_seconds));
  }
  state_->timeout_seconds = options.timeout_seconds;
  state_->started_mpi = start_mpi();
  MPI_Comm_dup(MPI_COMM_WORLD, &state_->comm);
  // Errors come back as codes (thrown as InternalError), not as an abort.
  MPI_Comm_set_errhandler(state_->comm, MPI_ERRORS_RETURN);
  state_->exchange =
      std::make_unique<internal::RankExchange>(state_->comm, options.timeout_seconds);
}

MpiProcessGroup::~MpiProcessGroup() {
  const std::string& broken = state_->exchange->broken();
  if (!broken.empty()) {
    // Some rank may be computing, or waiting in a collective rank 0 gave up
    // on: only ending the whole job frees them.
    std::fprintf(stderr, "cairn: rank %d: the process group broke (%s); ending every rank\n",
                 rank(), broken.c_str());
    std::fflush(stderr);
    // The ranks rank 0 told are reporting the same error: let them print
    // it before MPI_Abort kills them (their own abort follows theirs).
    std::this_thread::sleep_for(std::chrono::seconds(1));
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  state_->exchange.reset();
  MPI_Comm_free(&state_->comm);
  if (state_->started_mpi) MPI_Finalize();
}

int MpiProcessGroup::rank() const { return state_->exchange->rank(); }
int MpiProcessGroup::size() const { return state_->exchange->size(); }
double MpiProcessGroup::timeout_seconds() const { return state_->timeout_seconds; }

void MpiProcessGroup::barrier(const std::string& what) {
  std::lock_guard lock(state_->mu);
  state_->exchange->run(
      {}, "barrier", what,
      [](const std::vector<std::string_view>&, std::string& answer) { answer.clear(); });
}

std::vector<std::string> MpiProcessGroup::all_gather(std::string_view bytes,
                                                     const std::string& what) {
  std::lock_guard lock(state_->mu);
  return split_parts(state_->exchange->run(bytes, "all_gather", what, join_parts), size());
}

void MpiProcessGroup::broadcast(std::string& bytes, int root, const std::string& what) {
  if (root < 0 || root >= size()) {
    throw InvalidArgumentError(what + ": broadcast from rank " + std::to_string(root) +
                               " in a group of " + std::to_string(size()));
  }
  std::lock_guard lock(state_->mu);
  bytes = state_->exchange->run(rank() == root ? std::string_view(bytes) : std::string_view(),
                                "broadcast from " + std::to_string(root), what,
                                [root](const std::vector<std::string_view>& parts,
                                       std::string& answer) { answer.assign(parts[root]); });
}

void MpiProcessGroup::all_reduce_sum(std::span<float> values, const std::string& what) {
  sum(values, what);
}

void MpiProcessGroup::all_reduce_sum(std::span<double> values, const std::string& what) {
  sum(values, what);
}

template <typename T>
void MpiProcessGroup::sum(std::span<T> values, const std::string& what) {
  std::lock_guard lock(state_->mu);
  const std::string_view total = state_->exchange->run(
      {reinterpret_cast<const char*>(values.data()), values.size_bytes()},
      sizeof(T) == 4 ? "all_reduce_sum of floats" : "all_reduce_sum of doubles", what,
      sum_in_rank_order<T>);
  std::memcpy(values.data(), total.data(), std::min(total.size(), values.size_bytes()));
}

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
}

}  // namespace cairn::distribute
