// A small pool of worker threads for parallel_ranges (see the header). Written
// by hand: the packaged thread pools (OpenMP's, Eigen's ThreadPool) do not run
// a fixed cut of the samples on fixed threads while OpenBLAS is switched to
// the calling thread, and they are not safe across fork().
#include "nn/parallel_ranges.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "cairn/nn/gemm.h"
#include "nn/blas_library.h"

namespace cairn::nn::internal {
namespace {

using RangeFn = std::function<void(int, Eigen::Index, Eigen::Index)>;

thread_local bool t_inside_range = false;

Eigen::Index range_begin(Eigen::Index n, int parts, int part) { return n * part / parts; }

void run_range(const RangeFn& fn, Eigen::Index n, int parts, int part) {
  const Eigen::Index first = range_begin(n, parts, part);
  const bool outer = t_inside_range;
  t_inside_range = true;
  try {
    fn(part, first, range_begin(n, parts, part + 1) - first);
  } catch (...) {
    t_inside_range = outer;
    throw;
  }
  t_inside_range = outer;
}

// Waking a sleeping thread takes tens of microseconds, as long as a small
// range's work: a worker polls for the next call, and a caller for its
// workers' end, this long before sleeping on a condition variable.
constexpr auto kSpin = std::chrono::microseconds(50);

template <class Done>
void spin_until(Done done) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int polls = 1; !done(); ++polls) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (polls % 64 == 0 && std::chrono::steady_clock::now() > until) return;
  }
}

// Workers 1..started run range `worker` of each call that has that many.
// One pool per process: a child of fork() has none of its parent's threads,
// so it starts a pool of its own (the parent's stays behind, unused).
class RangeWorkers {
 public:
  RangeWorkers(pid_t pid, RangeWorkers* previous) : pid_(pid), previous_(previous) {}
  pid_t pid() const { return pid_; }

  // Runs every range; false (and nothing run) when another call is running.
  bool try_run(Eigen::Index n, int parts, const RangeFn& fn) {
    std::unique_lock lock(mutex_);
    if (busy_) return false;
    busy_ = true;
    start_workers(parts - 1, lock);
    fn_ = &fn;
    n_ = n;
    parts_ = parts;
    const int on_workers = std::min(parts - 1, started_);
    pending_.store(on_workers, std::memory_order_relaxed);
    error_ = nullptr;
    generation_.fetch_add(1, std::memory_order_release);  // the job above is published
    lock.unlock();
    wake_.notify_all();
    std::exception_ptr here;
    for (int part = 0; part < parts; part = part == 0 ? on_workers + 1 : part + 1) {
      try {
        run_range(fn, n, parts, part);
      } catch (...) {
        if (!here) here = std::current_exception();
      }
    }
    spin_until([&] { return pending_.load(std::memory_order_acquire) == 0; });
    lock.lock();
    done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    busy_ = false;
    std::exception_ptr error = here ? here : error_;
    lock.unlock();
    if (error) std::rethrow_exception(error);
    return true;
  }

 private:
  // Starts workers until `wanted` run or one cannot map its BLAS buffer.
  void start_workers(int wanted, std::unique_lock<std::mutex>& lock) {
    while (started_ < wanted && !exhausted_) {
      const int worker = started_ + 1;
      starting_ = true;
      try {
        std::thread([this, worker] { work(worker); }).detach();
      } catch (const std::system_error&) {
        exhausted_ = true;
        return;
      }
      started_reply_.wait(lock, [&] { return !starting_; });
    }
  }

  void work(int worker) {
    const bool ready = map_thread_buffer();
    std::unique_lock lock(mutex_);
    if (ready) {
      started_ = worker;
    } else {
      exhausted_ = true;
    }
    starting_ = false;
    started_reply_.notify_all();
    if (!ready) return;
    uint64_t seen = generation_.load(std::memory_order_relaxed);
    for (;;) {
      lock.unlock();
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      lock.lock();
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      seen = generation_.load(std::memory_order_relaxed);
      if (worker >= parts_) continue;
      const RangeFn& fn = *fn_;
      const Eigen::Index n = n_;
      const int parts = parts_;
      lock.unlock();
      std::exception_ptr error;
      try {
        run_range(fn, n, parts, worker);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error && !error_) error_ = error;
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify_all();
    }
  }

  const pid_t pid_;
  [[maybe_unused]] RangeWorkers* const previous_;  // kept reachable, never used
  std::mutex mutex_;
  std::condition_variable wake_, done_, started_reply_;
  bool busy_ = false, starting_ = false, exhausted_ = false;
  int started_ = 0, parts_ = 0;
  // Read without the mutex while spinning; written under it.
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> generation_{0};
  const RangeFn* fn_ = nullptr;
  Eigen::Index n_ = 0;
  std::exception_ptr error_;
};

RangeWorkers& workers() {
  static std::atomic<RangeWorkers*> current{nullptr};
  const pid_t pid = ::getpid();
  RangeWorkers* seen = current.load(std::memory_order_acquire);
  while (seen == nullptr || seen->pid() != pid) {
    auto* fresh = new RangeWorkers(pid, seen);
    if (current.compare_exchange_strong(seen, fresh, std::memory_order_acq_rel)) return *fresh;
    delete fresh;  // another thread installed one first: `seen` now holds it
  }
  return *seen;
}

// OpenBLAS on the calling thread for as long as the object lives.
class CallingThreadProducts {
 public:
  CallingThreadProducts() { enter_calling_thread_products(); }
  ~CallingThreadProducts() { leave_calling_thread_products(); }
  CallingThreadProducts(const CallingThreadProducts&) = delete;
  CallingThreadProducts& operator=(const CallingThreadProducts&) = delete;
};

}  // namespace

int range_parts(Eigen::Index n) {
  return static_cast<int>(std::clamp<Eigen::Index>(n, 1, std::max(num_threads(), 1)));
}

void parallel_ranges(Eigen::Index n, const RangeFn& fn) {
  const int parts = range_parts(n);
  if (parts > 1 && !t_inside_range) {
    CallingThreadProducts products;
    if (workers().try_run(n, parts, fn)) return;
  }
  for (int part = 0; part < parts; ++part) run_range(fn, n, parts, part);
}

}  // namespace cairn::nn::internal
