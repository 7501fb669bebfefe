// AsyncSaver: checkpoint writes on a background thread, so training pauses
// only while the variables are copied in memory (the asynchronous saves of
// RunConfig::async_save and keras::ModelCheckpointOptions::async_save).
//
//   cairn::AsyncSaver saver;
//   for (int64_t step = 1; step <= 1000; ++step) {
//     train_one_step();
//     if (step % 100 == 0) {
//       saver.save(session.tensor_refs(), [&, step](const cairn::NamedTensors& copy) {
//         manager.save(step, copy);  // same atomic commit as a synchronous save
//       });
//     }
//   }
//   saver.wait();  // the last save is committed; its failure is thrown here
//
// At most one save is in flight: save() first waits for the previous one. A
// failed background save is rethrown by the next save() or wait(), so it is
// never lost; the destructor waits too (and, with nobody left to throw to,
// prints the failure to stderr). The write callback runs on the background
// thread and must not touch what the training thread changes meanwhile:
// it gets its own copy of the tensors.
//
// The copy is kept between saves and rewritten in place, tensor by tensor,
// while the variables keep their names, dtypes and shapes, so the pause is
// one memcpy of the model into memory already in use, not an allocation of
// fresh pages (costly on virtual machines). prepare() allocates and touches
// that copy ahead, in the background, so that even the first save pauses
// no longer than later ones:
//
//   saver.prepare(session.tensor_refs());   // when training starts
//
// The price: the saver holds a second copy of the model while it lives.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cairn/checkpoint/save_variables.h"

namespace cairn {

struct SaveTiming {
  double blocking_seconds = 0;  // the caller was paused: wait for the previous save + copy
  double total_seconds = 0;     // from save() until the write was committed
};

class AsyncSaver {
 public:
  using Write = std::function<void(const NamedTensors& copy)>;

  AsyncSaver() = default;
  ~AsyncSaver();
  AsyncSaver(const AsyncSaver&) = delete;
  AsyncSaver& operator=(const AsyncSaver&) = delete;

  // Waits for the save in flight (rethrowing its failure), copies the
  // tensors, and starts `write(copy)` on a background thread.
  void save(const NamedTensorRefs& tensors, Write write);
  // Waits for the save in flight; rethrows its failure.
  void wait();
  // Waits for the save in flight (rethrowing its failure), then allocates
  // and zeroes, on the background thread, the copy a save of `tensors` fills
  // (their names, dtypes and shapes are read now; their values are not).
  void prepare(const NamedTensorRefs& tensors);
  // Waits for the background work without rethrowing; true when a save of
  // `tensors` would only rewrite memory the saver already holds.
  bool ready_for(const NamedTensorRefs& tensors);
  // Timings of every save that has completed, oldest first.
  std::vector<SaveTiming> timings() const;

 private:
  void join();  // waits for the thread without rethrowing

  std::shared_ptr<NamedTensors> copy_;  // the last save's copy, reused by the next
  std::thread worker_;
  std::exception_ptr failure_;
  mutable std::mutex mu_;
  std::vector<SaveTiming> timings_;
};

}  // namespace cairn
