// The training progress Keras prints (its Progbar):
//   verbose 1, terminal:   "\r 7/32 [======>.......................] - ETA: 0s - loss: 0.4102"
//                          redrawn per batch, then the final line
//   verbose 1, not a tty:  only the final line, once per epoch (no "\r" flood)
//     "32/32 [==============================] - 0s 2ms/step - loss: 0.4102 - accuracy: 0.8900"
//   verbose 2:             "32/32 - 0s - loss: 0.4102 - accuracy: 0.8900"
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras::internal {

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, int target, int verbose, bool dynamic);
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
  std::chrono::steady_clock::time_point start_;
};

// Keras's number format in logs: " %.4f", or " %.4e" at or below 1e-3.
std::string format_metric(double value);

// True when `out` is std::cout and stdout is a terminal.
bool is_terminal(const std::ostream& out);

}  // namespace cairn::keras::internal
