#include "cairn/checkpoint/async_saver.h"

#include <chrono>
#include <iostream>
#include <utility>

#include "cairn/core/errors.h"

namespace cairn {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

AsyncSaver::~AsyncSaver() {
  join();
  if (failure_) {
    try {
      std::rethrow_exception(failure_);
    } catch (const std::exception& e) {
      std::cerr << "cairn: a background checkpoint save failed and nobody waited for it: "
                << e.what() << "\n";
    } catch (...) {
      std::cerr << "cairn: a background checkpoint save failed and nobody waited for it\n";
    }
  }
}

void AsyncSaver::join() {
  if (worker_.joinable()) worker_.join();
}

void AsyncSaver::wait() {
  join();
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void AsyncSaver::save(const NamedTensorRefs& tensors, Write write) {
  const Clock::time_point start = Clock::now();
  wait();
  auto copy = std::make_shared<NamedTensors>();
  copy->reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) copy->emplace_back(name, *tensor);
  const double blocking = seconds_between(start, Clock::now());
  worker_ = std::thread([this, copy, write = std::move(write), start, blocking] {
    try {
      write(*copy);
    } catch (...) {
      failure_ = std::current_exception();  // read only after join()
      return;
    }
    std::lock_guard<std::mutex> hold(mu_);
    timings_.push_back({blocking, seconds_between(start, Clock::now())});
  });
}

std::vector<SaveTiming> AsyncSaver::timings() const {
  std::lock_guard<std::mutex> hold(mu_);
  return timings_;
}

}  // namespace cairn
