#include "nn/parallel.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "cairn/nn/gemm.h"

namespace cairn::nn::internal {
namespace {

// One thread that runs one job at a time for whoever holds `in_use`.
class Helper {
 public:
  Helper() : thread_([this] { serve(); }) {}
  ~Helper() {
    {
      std::lock_guard<std::mutex> hold(mu_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void start(const std::function<void()>* job) {
    {
      std::lock_guard<std::mutex> hold(mu_);
      job_ = job;
    }
    changed_.notify_all();
  }

  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return job_ == nullptr; });
  }

  std::mutex in_use;

 private:
  void serve() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      changed_.wait(lock, [this] { return job_ != nullptr || stopping_; });
      if (job_ == nullptr) return;
      lock.unlock();
      (*job_)();
      lock.lock();
      job_ = nullptr;
      changed_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable changed_;
  const std::function<void()>* job_ = nullptr;
  bool stopping_ = false;
  std::thread thread_;
};

Helper& helper() {
  static Helper instance;
  return instance;
}

}  // namespace

void for_halves(Eigen::Index n, const std::function<void(Eigen::Index, Eigen::Index)>& fn,
                Eigen::Index elements_per_item) {
  if (n * elements_per_item < kMinParallelElements || n < 2 || num_threads() < 2) {
    return fn(0, n);
  }
  Helper& h = helper();
  std::unique_lock<std::mutex> mine(h.in_use, std::try_to_lock);
  if (!mine.owns_lock()) return fn(0, n);
  Eigen::Index middle = n / 2;
  if (elements_per_item < 16) middle -= middle % 16;  // single floats: whole 64-byte lines each
  const std::function<void()> upper = [&] { fn(middle, n); };
  h.start(&upper);
  fn(0, middle);
  h.wait();
}

}  // namespace cairn::nn::internal
