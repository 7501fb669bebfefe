// BackgroundJob: one thread that runs one I/O job at a time while its owner
// goes on (the direct-I/O files of posix_direct_file.cc and
// posix_direct_read.cc write or read one buffer while the caller fills or
// drains the other). Internal to src/io.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace cairn::internal {

class BackgroundJob {
 public:
  BackgroundJob() : thread_([this] { run(); }) {}
  ~BackgroundJob() {
    {
      std::lock_guard<std::mutex> hold(mu_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Waits for the running job, then starts `job` (which returns 0 or an
  // errno). Returns the finished job's errno; `job` is not started if it is
  // not 0.
  int start(std::function<int()> job) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return !job_; });
    const int finished = std::exchange(error_, 0);
    if (finished != 0) return finished;
    job_ = std::move(job);
    lock.unlock();
    changed_.notify_all();
    return 0;
  }

  // Waits until no job runs; the last job's errno (0 if none failed), which
  // is then forgotten.
  int wait() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return !job_; });
    return std::exchange(error_, 0);
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      changed_.wait(lock, [this] { return job_ || stopping_; });
      if (!job_) return;
      std::function<int()> job = std::move(*job_);
      lock.unlock();
      const int err = job();
      lock.lock();
      error_ = err;
      job_.reset();
      changed_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable changed_;
  std::optional<std::function<int()>> job_;  // set while a job runs
  int error_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the fields it uses
};

}  // namespace cairn::internal
