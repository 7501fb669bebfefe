// The training progress Keras prints (its Progbar); the bar and the ETA's
// format are cairn's progress bar's (cairn/core/progress_format.h):
//   verbose 1, terminal:   "\r 7/32 [======>.......................] - ETA: 0s - loss: 0.4102"
//                          redrawn per batch, then the final line
//   verbose 1, not a tty:  only the final line, once per epoch (no "\r" flood)
//     "32/32 [==============================] - 0s 2ms/step - loss: 0.4102 - accuracy: 0.8900"
//   verbose 2:             "32/32 - 0s - loss: 0.4102 - accuracy: 0.8900"
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras::internal {

class ProgressBar {
 public:
  // `clock`: seconds from any origin (tests); default a steady clock.
  ProgressBar(std::ostream& out, int target, int verbose, bool dynamic,
              std::function<double()> clock = {});
  // After step `current` (1-based) with the running means in `logs`.
  void update(int current, const Logs& logs);
  // The epoch's last line, with validation metrics if any.
  void finish(const Logs& logs);

 private:
  std::string bar(int current) const;
  double elapsed_seconds() const;

  std::ostream& out_;
  int target_;
  int verbose_;
  bool dynamic_;
  std::function<double()> clock_;
  double start_;
};

// Keras's number format in logs: " %.4f", or " %.4e" at or below 1e-3.
std::string format_metric(double value);

}  // namespace cairn::keras::internal
