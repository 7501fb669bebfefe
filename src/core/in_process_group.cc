// InProcessGroup: ranks as threads that meet in shared memory. Every
// collective is one exchange: each rank leaves its bytes in its slot; the
// last to arrive publishes all slots as the result and wakes the others.
#include "cairn/core/in_process_group.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "cairn/core/errors.h"

namespace cairn {

struct InProcessGroup::Shared {
  Shared(int n, double timeout) : size(n), timeout_seconds(timeout), here(n), slots(n) {}

  // Every rank's bytes for the collective `what`, in rank order.
  std::vector<std::string> exchange(int rank, std::string_view bytes, const std::string& what);

  const int size;
  const double timeout_seconds;
  std::mutex mu;
  std::condition_variable cv;
  uint64_t generation = 0;  // completed exchanges
  int arrived = 0;
  std::string current;  // the collective the arrived ranks wait in
  std::vector<bool> here;
  std::vector<std::string> slots;
  // The last completed exchange: not replaced before every rank read it,
  // since the next exchange needs every rank to arrive.
  std::vector<std::string> result;
  std::string broken;  // why the group broke, once a collective failed

 private:
  std::vector<std::string> publish();
  std::string fail(const std::string& why);
};

std::vector<std::string> InProcessGroup::Shared::publish() {
  result = std::move(slots);
  slots.assign(size, "");
  here.assign(size, false);
  arrived = 0;
  ++generation;
  cv.notify_all();
  return result;
}

std::string InProcessGroup::Shared::fail(const std::string& why) {
  broken = why;
  cv.notify_all();
  return why;
}

std::vector<std::string> InProcessGroup::Shared::exchange(int rank, std::string_view bytes,
                                                          const std::string& what) {
  std::unique_lock lock(mu);
  if (!broken.empty()) throw AbortedError(what + ": the process group is broken: " + broken);
  if (arrived > 0 && current != what) {
    throw InternalError(fail("rank " + std::to_string(rank) + " is at \"" + what +
                             "\" while other ranks are at \"" + current + "\""));
  }
  current = what;
  slots[rank] = std::string(bytes);
  here[rank] = true;
  if (++arrived == size) return publish();
  const uint64_t mine = generation;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  const bool done =
      cv.wait_until(lock, deadline, [&] { return generation != mine || !broken.empty(); });
  if (generation != mine) return result;
  if (done) throw DeadlineExceededError(broken);  // another rank gave up first
  std::vector<int> missing;
  for (int r = 0; r < size; ++r) {
    if (!here[r]) missing.push_back(r);
  }
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%g", timeout_seconds);
  throw DeadlineExceededError(
      fail(what + ": " + describe_ranks(missing) + " did not arrive within " + seconds + " s"));
}

class InProcessGroup::Rank final : public ProcessGroup {
 public:
  Rank(Shared& shared, int rank) : shared_(shared), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return shared_.size; }
  double timeout_seconds() const override { return shared_.timeout_seconds; }

  void barrier(const std::string& what) override { shared_.exchange(rank_, {}, what); }
  std::vector<std::string> all_gather(std::string_view bytes, const std::string& what) override {
    return shared_.exchange(rank_, bytes, what);
  }
  void broadcast(std::string& bytes, int root, const std::string& what) override {
    std::vector<std::string> all = shared_.exchange(rank_, rank_ == root ? bytes : "", what);
    if (root < 0 || root >= size()) {
      throw InvalidArgumentError(what + ": no rank " + std::to_string(root));
    }
    bytes = std::move(all[root]);
  }
  void all_reduce_sum(std::span<float> values, const std::string& what) override {
    sum(values, what);
  }
  void all_reduce_sum(std::span<double> values, const std::string& what) override {
    sum(values, what);
  }

 private:
  // Sums in rank order, the same on every rank.
  template <typename T>
  void sum(std::span<T> values, const std::string& what) {
    const std::vector<std::string> all = shared_.exchange(
        rank_, {reinterpret_cast<const char*>(values.data()), values.size_bytes()}, what);
    std::vector<T> total(values.size(), T(0)), part(values.size());
    for (size_t r = 0; r < all.size(); ++r) {
      if (all[r].size() != values.size_bytes()) {
        throw InvalidArgumentError(what + ": rank " + std::to_string(r) + " sums " +
                                   std::to_string(all[r].size() / sizeof(T)) + " values, rank " +
                                   std::to_string(rank_) + " " + std::to_string(values.size()));
      }
      std::memcpy(part.data(), all[r].data(), all[r].size());
      for (size_t i = 0; i < total.size(); ++i) total[i] += part[i];
    }
    std::copy(total.begin(), total.end(), values.begin());
  }

  Shared& shared_;
  const int rank_;
};

InProcessGroup::InProcessGroup(int size, InProcessGroupOptions options)
    : shared_(std::make_shared<Shared>(size, options.timeout_seconds)) {
  if (size < 1) throw InvalidArgumentError("a process group needs at least one rank");
  for (int r = 0; r < size; ++r) ranks_.push_back(std::make_unique<Rank>(*shared_, r));
}

InProcessGroup::~InProcessGroup() = default;

int InProcessGroup::size() const { return shared_->size; }

ProcessGroup& InProcessGroup::rank(int r) { return *ranks_.at(static_cast<size_t>(r)); }

void InProcessGroup::run(const std::function<void(ProcessGroup&)>& fn) {
  std::vector<std::exception_ptr> errors(ranks_.size());
  std::vector<std::thread> threads;
  for (size_t r = 0; r < ranks_.size(); ++r) {
    threads.emplace_back([&, r] {
      try {
        fn(*ranks_[r]);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace cairn
