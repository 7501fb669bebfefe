#include "cairn/keras/callbacks/early_stopping.h"

#include <cmath>
#include <limits>

#include "cairn/keras/sequential.h"
#include "keras/callbacks/monitor_mode.h"

namespace cairn::keras {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : options_(std::move(options)),
      maximize_(internal::maximize_monitor(options_.mode, options_.monitor)) {
  options_.min_delta = std::abs(options_.min_delta);
}

bool EarlyStopping::improved(double current, double reference) const {
  return maximize_ ? current - options_.min_delta > reference
                   : current + options_.min_delta < reference;
}

void EarlyStopping::on_train_begin(const Logs& /*logs*/) {
  wait_ = 0;
  stopped_epoch_ = 0;
  best_weights_.clear();
  const double inf = std::numeric_limits<double>::infinity();
  best_ = options_.baseline ? *options_.baseline : (maximize_ ? -inf : inf);
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  std::optional<double> current = logs.find(options_.monitor);
  if (!current) {
    std::string present;
    for (const auto& [name, v] : logs) present += (present.empty() ? "" : ",") + name;
    model().output() << "WARNING: Early stopping conditioned on metric `" << options_.monitor
                     << "` which is not available. Available metrics are: " << present << "\n";
    return;
  }
  ++wait_;
  if (improved(*current, best_)) {
    best_ = *current;
    wait_ = 0;
    if (options_.restore_best_weights) {
      best_weights_.clear();
      for (const nn::Variable* w : model().weights()) best_weights_.push_back(w->value);
    }
    return;
  }
  if (wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model().stop_training = true;
    if (options_.restore_best_weights && !best_weights_.empty()) {
      if (options_.verbose > 0) {
        model().output() << "Restoring model weights from the end of the best epoch.\n";
      }
      nn::VariableRefs weights = model().weights();
      for (size_t i = 0; i < weights.size(); ++i) weights[i]->value = best_weights_[i];
    }
  }
}

void EarlyStopping::on_train_end(const Logs& /*logs*/) {
  if (stopped_epoch_ > 0 && options_.verbose > 0) {
    model().output() << internal::epoch_label(stopped_epoch_) << ": early stopping\n";
  }
}

}  // namespace cairn::keras
