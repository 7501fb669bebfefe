#include "cairn/keras/callbacks/model_checkpoint.h"

#include <chrono>
#include <cstdio>

#include "cairn/checkpoint/directory_lock.h"
#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/sequential.h"
#include "keras/callbacks/monitor_mode.h"
#include "keras/callbacks/str_format.h"
#include "keras/fit_directory_lock.h"
#include "keras/model_kinds.h"
#include "keras/saving/saving.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {

namespace {

std::string five_digits(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%0.5f", v);
  return buffer;
}

}  // namespace

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)), options_(std::move(options)) {
  maximize_ = internal::maximize_monitor(options_.mode, options_.monitor);
  best_ = maximize_ ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  if (const auto* freq = std::get_if<std::string>(&options_.save_freq); freq && *freq != "epoch") {
    throw InvalidArgumentError("save_freq must be 'epoch' or a number of batches, got '" + *freq +
                               "'");
  }
  if (const auto* n = std::get_if<int64_t>(&options_.save_freq); n && *n < 1) {
    throw InvalidArgumentError("save_freq must be positive, got " + std::to_string(*n));
  }
  if (options_.period < 1) throw InvalidArgumentError("period must be positive");
  if (options_.async_save) {
    if (!options_.save_weights_only || is_keras_h5_path(filepath_)) {
      throw InvalidArgumentError("ModelCheckpoint('" + filepath_ +
                                 "'): async_save writes TF-format weight checkpoints "
                                 "(save_weights_only, a path without .h5); .h5 files are "
                                 "saved synchronously");
    }
    async_ = std::make_unique<AsyncSaver>();
  }
  if (!options_.save_weights_only && !is_keras_h5_path(filepath_)) {
    throw InvalidArgumentError("ModelCheckpoint('" + filepath_ +
                               "'): saving the whole model needs an .h5 path (cairn writes "
                               "whole models as HDF5); use save_weights_only for TF checkpoints");
  }
}

void ModelCheckpoint::on_train_begin(const Logs& /*logs*/) {
  const std::string dir = dirname(filepath_);
  lock_.reset();  // an interrupted fit's lock, when this callback is used again
  if (dir.find('{') == std::string::npos) {  // a directory per epoch is not locked
    lock_ = internal::lock_fit_directory(model(), file_system(options_.file_system), dir,
                                         "ModelCheckpoint: directory");
  }
  epochs_since_save_ = 0;
  if (async_) {  // the copy is made ahead
    internal::visit_model(model(),
                          [&](auto& m) { async_->prepare(internal::collect_tf_weights(m).refs); });
  }
  batches_since_save_ = 0;
}

void ModelCheckpoint::on_epoch_begin(int epoch, const Logs& /*logs*/) { current_epoch_ = epoch; }

void ModelCheckpoint::on_train_batch_end(int batch, const Logs& logs) {
  const auto* every = std::get_if<int64_t>(&options_.save_freq);
  if (every == nullptr || ++batches_since_save_ < *every) return;
  batches_since_save_ = 0;
  save(current_epoch_, batch, logs);
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
  if (!std::holds_alternative<std::string>(options_.save_freq)) return;
  if (++epochs_since_save_ < options_.period) return;
  epochs_since_save_ = 0;
  save(epoch, -1, logs);
}

bool ModelCheckpoint::improved(double current) const {
  return maximize_ ? current > best_ : current < best_;
}

void ModelCheckpoint::save(int epoch, int batch, const Logs& logs) {
  std::map<std::string, double> values{{"epoch", epoch + 1}};
  if (batch >= 0) values["batch"] = batch + 1;
  for (const auto& [name, value] : logs) values[name] = value;
  const std::string path = internal::python_format(filepath_, values);
  std::ostream& out = model().output();
  const std::string label = internal::epoch_label(epoch);
  if (options_.save_best_only) {
    std::optional<double> current = logs.find(options_.monitor);
    if (!current) {
      out << "WARNING: Can save best model only with " << options_.monitor
          << " available, skipping.\n";
      return;
    }
    if (!improved(*current)) {
      if (options_.verbose > 0) {
        out << "\n"
            << label << ": " << options_.monitor << " did not improve from " << five_digits(best_)
            << "\n";
      }
      return;
    }
    if (options_.verbose > 0) {
      out << "\n"
          << label << ": " << options_.monitor << " improved from " << five_digits(best_) << " to "
          << five_digits(*current) << ", saving model to " << path << "\n";
    }
    best_ = *current;
  } else if (options_.verbose > 0) {
    out << "\n" << label << ": saving model to " << path << "\n";
  }
  FileSystem& fs = file_system(options_.file_system);
  if (async_) {
    internal::TfWeights weights =
        internal::visit_model(model(), [](auto& m) { return internal::collect_tf_weights(m); });
    async_->save(weights.refs, [path, target = &fs](const NamedTensors& copy) {
      save_variables(path, copy, {}, *target);
    });
    last_saved_ = path;
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  if (options_.save_weights_only) {
    internal::save_weights(fs, model(), path, {});
  } else {
    internal::save_model(fs, model(), path);
  }
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sync_timings_.push_back({took, took});
  last_saved_ = path;
}

void ModelCheckpoint::on_train_end(const Logs& /*logs*/) {
  if (async_) async_->wait();
  lock_.reset();
}

std::vector<SaveTiming> ModelCheckpoint::save_timings() const {
  return async_ ? async_->timings() : sync_timings_;
}

}  // namespace cairn::keras
