// `cairn-bench train --model mnist --epochs E --checkpoint none|sync|async`:
// fit() with a keras::ModelCheckpoint saving the weights after every epoch.
// A wrapper callback times each epoch (its save included) and each call of
// the checkpoint's on_epoch_end (how long training was held up). When the
// save was committed is seen from outside: inotify reports the rename that
// puts DIR/checkpoint in place, and the file then names the epoch's checkpoint.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "bench/bench_train_models.h"
#include "bench/bench_train_workload.h"
#include "cairn/core/errors.h"
#include "cairn/io/file_system.h"
#include "cairn/keras/callbacks/model_checkpoint.h"
#include "cairn/keras/sequential.h"

namespace cairn::bench::internal {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Watches, on its own thread, for DIR/checkpoint to name `name` as the newest
// checkpoint, and notes when it did.
class CommitWatcher {
 public:
  CommitWatcher(const std::string& dir, std::string name) : dir_(dir), name_(std::move(name)) {
    fd_ = inotify_init1(IN_CLOEXEC);
    if (fd_ < 0 || inotify_add_watch(fd_, dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
      if (fd_ >= 0) close(fd_);
      throw InternalError("inotify on " + dir + " failed");
    }
    thread_ = std::thread([this] { watch(); });
  }
  ~CommitWatcher() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  CommitWatcher(const CommitWatcher&) = delete;
  CommitWatcher& operator=(const CommitWatcher&) = delete;

  // When the commit was seen, once it has been (waits at most 60 s).
  std::optional<Clock::time_point> wait() {
    thread_.join();
    return committed_;
  }

 private:
  bool names_checkpoint() const {
    const std::string state = read_file(dir_ + "/checkpoint");
    const std::string first = state.substr(0, state.find('\n'));
    const std::string quoted = name_ + "\"";
    return first.starts_with("model_checkpoint_path: ") && first.ends_with(quoted) &&
           (first.ends_with("\"" + quoted) || first.ends_with("/" + quoted));
  }
  void watch() {
    alignas(inotify_event) char buffer[4096];
    const Clock::time_point give_up = Clock::now() + std::chrono::seconds(60);
    while (!stop_ && Clock::now() < give_up) {
      if (names_checkpoint()) {
        committed_ = Clock::now();
        return;
      }
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      if (poll(&p, 1, 50) > 0) (void)!read(fd_, buffer, sizeof(buffer));
    }
  }

  std::string dir_, name_;
  int fd_ = -1;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::optional<Clock::time_point> committed_;
};

// Forwards every hook to the checkpoint callback (if any) and times it.
class TimedCheckpoint : public keras::Callback {
 public:
  TimedCheckpoint(std::shared_ptr<keras::ModelCheckpoint> inner, std::string dir, bool async)
      : inner_(std::move(inner)), dir_(std::move(dir)), async_(async) {}

  void on_train_begin(const keras::Logs& logs) override {
    if (inner_) inner_->set_model(&model()), inner_->on_train_begin(logs);
  }
  void on_epoch_begin(int epoch, const keras::Logs& logs) override {
    epoch_start_ = Clock::now();
    if (inner_) inner_->on_epoch_begin(epoch, logs);
  }
  void on_train_batch_begin(int batch, const keras::Logs& logs) override {
    if (inner_) inner_->on_train_batch_begin(batch, logs);
  }
  void on_train_batch_end(int batch, const keras::Logs& logs) override {
    if (inner_) inner_->on_train_batch_end(batch, logs);
  }
  void on_epoch_end(int epoch, const keras::Logs& logs) override;
  void on_train_end(const keras::Logs& logs) override {
    if (inner_) inner_->on_train_end(logs);
    finish_pending();
  }

  TrainMeasurement result;

 private:
  void finish_pending() {
    if (!watcher_) return;
    if (std::optional<Clock::time_point> committed = watcher_->wait()) {
      result.save_total_seconds.push_back(seconds_between(save_start_, *committed));
    }
    watcher_.reset();
  }

  std::shared_ptr<keras::ModelCheckpoint> inner_;
  std::string dir_;
  bool async_;
  Clock::time_point epoch_start_, save_start_;
  std::unique_ptr<CommitWatcher> watcher_;
};

void TimedCheckpoint::on_epoch_end(int epoch, const keras::Logs& logs) {
  if (!inner_) {
    result.epoch_seconds.push_back(seconds_between(epoch_start_, Clock::now()));
    return;
  }
  char name[32];
  std::snprintf(name, sizeof(name), "cp-%04d.ckpt", epoch + 1);
  finish_pending();  // at most one save in flight: the previous one is done by now
  if (async_) watcher_ = std::make_unique<CommitWatcher>(dir_, name);
  save_start_ = Clock::now();
  inner_->on_epoch_end(epoch, logs);
  const Clock::time_point end = Clock::now();
  result.save_blocking_seconds.push_back(seconds_between(save_start_, end));
  if (!async_) result.save_total_seconds.push_back(seconds_between(save_start_, end));
  result.epoch_seconds.push_back(seconds_between(epoch_start_, end));
}

}  // namespace

TrainMeasurement bench_keras_checkpoints(int epochs, const std::string& mode,
                                         const std::string& dir, int64_t samples) {
  if (mode != "none" && mode != "sync" && mode != "async") {
    throw InvalidArgumentError("--checkpoint must be none, sync or async, got '" + mode + "'");
  }
  if (mode != "none" && dir.empty()) throw InvalidArgumentError("--checkpoint needs --dir");
  if (mode != "none") throw_if_error(default_file_system().create_directories(dir));
  Workload w = make_workload("mnist", samples);
  std::shared_ptr<keras::ModelCheckpoint> checkpoint;
  if (mode != "none") {
    checkpoint = std::make_shared<keras::ModelCheckpoint>(
        dir + "/cp-{epoch:04d}.ckpt",
        keras::ModelCheckpointOptions{.save_weights_only = true, .async_save = mode == "async"});
  }
  auto timed = std::make_shared<TimedCheckpoint>(checkpoint, dir, mode == "async");
  const Clock::time_point start = Clock::now();
  w.model.fit(w.x, w.y,
              {.epochs = epochs, .batch_size = w.batch, .callbacks = {timed}, .verbose = 0});
  TrainMeasurement m = std::move(timed->result);
  m.code_path = "keras::Sequential::fit with keras::ModelCheckpoint";
  m.macs = w.macs;
  m.batch = w.batch;
  m.seconds = seconds_between(start, Clock::now());
  m.steps = epochs * ((w.x.shape().dim(0) + w.batch - 1) / w.batch);
  return m;
}

}  // namespace cairn::bench::internal
