// EarlyStopping: ends fit() when a monitored metric stops improving, as
// tf.keras.callbacks.EarlyStopping.
//
//   auto stop = std::make_shared<keras::EarlyStopping>(
//       keras::EarlyStoppingOptions{.monitor = "val_loss", .patience = 3,
//                                   .restore_best_weights = true});
//   model.fit(x, y, {.epochs = 100, .validation_split = 0.2, .callbacks = {stop}});
//   stop->stopped_epoch();   // 0 if it never stopped
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/keras/callbacks/callback.h"

namespace cairn::keras {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  // An improvement smaller than this does not count.
  double min_delta = 0.0;
  // Epochs without improvement before stopping.
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";  // "min", "max", "auto"
  // Stop unless the metric gets better than this.
  std::optional<double> baseline;
  // Put back the weights of the best epoch when stopping.
  bool restore_best_weights = false;
};

class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});

  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

  int stopped_epoch() const { return stopped_epoch_; }
  double best() const { return best_; }

 private:
  bool improved(double current, double reference) const;

  EarlyStoppingOptions options_;
  bool maximize_;
  double best_ = 0.0;
  int wait_ = 0;
  int stopped_epoch_ = 0;
  std::vector<Tensor> best_weights_;
};

}  // namespace cairn::keras
