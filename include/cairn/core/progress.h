// Progress: how a long operation (training, verifying a directory, an
// export) tells its caller how far it has got, without knowing who listens
// or whether a terminal is behind it. The operation takes a `Progress*`
// beside its FileSystem (null: nobody listens) and reports done of total
// units as work completes; the caller decides what to show
// (cairn/core/progress_bar.h draws a bar or plain lines on a stream).
//
//   struct LastReport : cairn::Progress {
//     void update(int64_t done, int64_t total, cairn::ProgressUnit) override {
//       last = done, of = total;
//     }
//     int64_t last = 0, of = 0;
//   };
//   LastReport seen;
//   cairn::verify_directory("models/iris", cairn::default_file_system(), &seen);
//   // seen.last == seen.of: every byte of every checkpoint was checked
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn {

// What the counts of an operation count.
enum class ProgressUnit { kSteps, kBytes, kTensors, kCheckpoints };

// "steps", "bytes", "tensors", "checkpoints".
std::string_view progress_unit_name(ProgressUnit unit);

class Progress {
 public:
  virtual ~Progress() = default;
  // `done` of `total` units are complete (total 0: not known). Called from
  // the thread that runs the operation; `done` never decreases within one
  // operation. An operation that ends early (input exhausted) simply stops
  // reporting: the caller, who knows when it returned, closes the display.
  virtual void update(int64_t done, int64_t total, ProgressUnit unit) = 0;
};

// progress->update(...) when there is a listener.
inline void report_progress(Progress* progress, int64_t done, int64_t total, ProgressUnit unit) {
  if (progress != nullptr) progress->update(done, total, unit);
}

}  // namespace cairn
