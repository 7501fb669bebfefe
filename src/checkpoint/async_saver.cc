#include "cairn/checkpoint/async_saver.h"

#include <chrono>
#include <cstring>
#include <iostream>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cairn/core/errors.h"
#include "checkpoint/async_saver_thread.h"

namespace cairn {
namespace {

using Clock = std::chrono::steady_clock;

thread_local bool in_background_write = false;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

bool same_layout(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape();
}

// The tensors of `copy` by name.
std::unordered_map<std::string_view, Tensor*> by_name(NamedTensors& copy) {
  std::unordered_map<std::string_view, Tensor*> out;
  for (auto& [name, tensor] : copy) out.emplace(name, &tensor);
  return out;
}

// A copy of `tensors` that takes each buffer from `previous` where a tensor
// of that name, dtype and shape is there: memory already touched, rewritten
// by a memcpy, where a fresh buffer first has to get every page from the
// system (costly on virtual machines). `previous` is emptied.
std::shared_ptr<NamedTensors> refill(NamedTensors& previous, const NamedTensorRefs& tensors) {
  std::unordered_map<std::string_view, Tensor*> old = by_name(previous);
  auto copy = std::make_shared<NamedTensors>();
  copy->reserve(tensors.size());
  for (const auto& [name, from] : tensors) {
    auto it = old.find(name);
    if (it == old.end() || !same_layout(*it->second, *from) || from->dtype() == DType::kString) {
      copy->emplace_back(name, *from);
      continue;
    }
    Tensor& to = *it->second;
    if (from->byte_size() > 0) std::memcpy(to.data(), from->data(), from->byte_size());
    copy->emplace_back(name, std::move(to));
    old.erase(it);
  }
  previous.clear();
  return copy;
}

using Layout = std::vector<std::pair<std::string, std::pair<DType, TensorShape>>>;

// Zeroed tensors of the names, dtypes and shapes in `layout`: zeroing
// touches every page, so a later refill() finds them in memory.
std::shared_ptr<NamedTensors> zeroed_like(const Layout& layout) {
  auto copy = std::make_shared<NamedTensors>();
  copy->reserve(layout.size());
  for (const auto& [name, kind] : layout) copy->emplace_back(name, Tensor(kind.first, kind.second));
  return copy;
}

}  // namespace

bool internal::on_async_saver_thread() { return in_background_write; }

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

void AsyncSaver::prepare(const NamedTensorRefs& tensors) {
  wait();
  Layout layout;
  layout.reserve(tensors.size());
  for (const auto& [name, t] : tensors) layout.push_back({name, {t->dtype(), t->shape()}});
  worker_ = std::thread([this, layout = std::move(layout)] {
    try {
      copy_ = zeroed_like(layout);  // read only after join()
    } catch (...) {                 // out of memory: the first save allocates, as without prepare()
    }
  });
}

bool AsyncSaver::ready_for(const NamedTensorRefs& tensors) {
  join();
  if (!copy_) return false;
  const std::unordered_map<std::string_view, Tensor*> staged = by_name(*copy_);
  for (const auto& [name, t] : tensors) {
    auto it = staged.find(name);
    if (it == staged.end() || !same_layout(*it->second, *t) || t->dtype() == DType::kString) {
      return false;
    }
  }
  return true;
}

void AsyncSaver::save(const NamedTensorRefs& tensors, Write write) {
  const Clock::time_point start = Clock::now();
  wait();
  NamedTensors previous;
  if (copy_) previous = std::move(*copy_);  // the last writer is done with it
  copy_ = refill(previous, tensors);
  std::shared_ptr<const NamedTensors> copy = copy_;
  const double blocking = seconds_between(start, Clock::now());
  worker_ = std::thread([this, copy, write = std::move(write), start, blocking] {
    in_background_write = true;
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
