#include "cairn/checkpoint/async_saver.h"

#include <chrono>
#include <cstring>
#include <iostream>
#include <utility>

#include "cairn/core/errors.h"

namespace cairn {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::shared_ptr<NamedTensors> fresh_copy(const NamedTensorRefs& tensors) {
  auto copy = std::make_shared<NamedTensors>();
  copy->reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) copy->emplace_back(name, *tensor);
  return copy;
}

// Copies the tensors' values into the previous save's copy when every name,
// dtype and shape still match: memory already touched is rewritten, which
// costs a memcpy, where a fresh copy first has to get every page from the
// system. False (nothing changed) when the layout differs.
bool refill(NamedTensors& copy, const NamedTensorRefs& tensors) {
  if (copy.size() != tensors.size()) return false;
  for (size_t i = 0; i < copy.size(); ++i) {
    const Tensor& from = *tensors[i].second;
    const Tensor& to = copy[i].second;
    if (copy[i].first != tensors[i].first || to.dtype() != from.dtype() ||
        to.shape() != from.shape() || from.dtype() == DType::kString) {
      return false;
    }
  }
  for (size_t i = 0; i < copy.size(); ++i) {
    const Tensor& from = *tensors[i].second;
    if (from.byte_size() > 0) std::memcpy(copy[i].second.data(), from.data(), from.byte_size());
  }
  return true;
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
  if (!copy_ || !refill(*copy_, tensors)) copy_ = fresh_copy(tensors);
  std::shared_ptr<const NamedTensors> copy = copy_;
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
