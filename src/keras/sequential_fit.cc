// Sequential's training and inference loops: fit (epochs of shuffled
// batches, callbacks, validation, progress), evaluate and predict.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cairn/core/errors.h"
#include "cairn/core/progress_bar.h"
#include "cairn/keras/sequential.h"
#include "keras/callbacks/progress_bar.h"
#include "keras/compiled_loss.h"
#include "keras/fit_loop.h"
#include "keras/layers/layer_config.h"
#include "keras/tensor_rows.h"

namespace cairn::keras {

namespace {

void check_samples(const nn::Matrix& x, const nn::Matrix& y, const char* what) {
  if (x.rows() != y.rows()) {
    throw InvalidArgumentError(std::string(what) + ": x has " + std::to_string(x.rows()) +
                               " samples but y has " + std::to_string(y.rows()));
  }
}

}  // namespace

void Sequential::ensure_built(const Tensor& x) {
  const Shape shape = internal::sample_shape(x);
  if (input_shape_.empty() || !built_) {
    build(input_shape_.empty() ? shape : input_shape_);
  }
  if (shape != input_shape_) {
    throw InvalidArgumentError("model '" + name_ + "' expects samples of shape " +
                               internal::shape_json(input_shape_).dump() + ", got " +
                               internal::shape_json(shape).dump());
  }
}

void Sequential::ensure_ready_to_train(const nn::Matrix& y) {
  if (!loss_) {
    throw FailedPreconditionError("model '" + name_ +
                                  "' must be compiled before fit() or evaluate(): call compile()");
  }
  const Shape& shape = layers_.back()->output_shape();
  const int64_t outputs = shape.back();
  internal::check_targets_at_positions(loss_->kind, y, outputs, internal::positions_of(shape));
  loss_->metrics.clear();
  for (const std::string& m : loss_->metric_names) {
    loss_->metrics.push_back(internal::resolve_metric(m, loss_->kind, outputs));
  }
}

const nn::Matrix& Sequential::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  // Each layer gets the mask of its input (Embedding with mask_zero makes
  // one, the RNNs read it); a layer keeps what backprop() needs of it.
  const nn::Matrix* h = &x;
  const Layer::Mask* mask = nullptr;
  for (LayerPtr& layer : layers_) {
    layer->set_input_mask(mask);
    h = &layer->forward_kept(*h, training, rng);
    mask = layer->output_mask(mask);
  }
  return *h;
}

std::vector<double> Sequential::train_step(const nn::Matrix& x, const nn::Matrix& y,
                                           std::mt19937_64& rng, int64_t global_rows) {
  const nn::Matrix& out = forward(x, /*training=*/true, rng);
  const internal::LossOutput loss = loss_of(out, y);
  if (process_group().size() == 1) {
    optimizer_->apply_gradients(
        backpropagate(loss.gradient, loss.fused, optimizer_->plain_gradient_step()));
    return batch_sums(loss, out, y);
  }
  // The gradients are summed over the ranks before any update: no layer may
  // apply plain SGD to its own share alone.
  const nn::VariableRefs weights = backpropagate(loss.gradient, loss.fused, std::nullopt);
  std::vector<double> sums = batch_sums(loss, out, y);
  all_reduce_step(weights, sums, x.rows(), global_rows);
  optimizer_->apply_gradients(weights);
  return sums;
}

nn::VariableRefs Sequential::backpropagate(const nn::Matrix& loss_gradient, bool preactivation,
                                           std::optional<float> step) {
  // Backpropagation stops at the first layer with weights: what comes before
  // it has nothing to train, and its own input gradient is not needed.
  size_t first = 0;
  while (first < layers_.size() && layers_[first]->weights().empty()) ++first;
  // Plain SGD is applied by the layers that can fuse it into their products;
  // the optimizer updates the other weights (and counts the step).
  nn::VariableRefs rest;
  const nn::Matrix* g = &loss_gradient;
  for (size_t i = layers_.size(); i-- > first;) {
    Layer& layer = *layers_[i];
    const nn::VariableRefs weights = layer.weights();
    const bool fuse = step && layer.fuses_gradient_step() &&
                      std::all_of(weights.begin(), weights.end(),
                                  [](const nn::Variable* w) { return w->trainable; });
    g = &layer.backprop(*g, {.preactivation = preactivation,
                             .input_gradient = i > first,
                             .step = fuse ? step : std::nullopt});
    if (!fuse) rest.insert(rest.begin(), weights.begin(), weights.end());
    preactivation = false;
  }
  return rest;
}

std::vector<double> Sequential::test_step(const nn::Matrix& x, const nn::Matrix& y) {
  std::mt19937_64 unused;
  const nn::Matrix& out = forward(x, /*training=*/false, unused);
  const internal::LossOutput loss = loss_of(out, y);
  return batch_sums(loss, out, y);
}

internal::LossOutput Sequential::loss_of(const nn::Matrix& out, const nn::Matrix& y) const {
  const Layer& last = *layers_.back();
  const bool can_fuse = last.final_activation() != nn::Activation::kLinear;
  return internal::compute_loss_at_positions(
      loss_->kind, out, can_fuse ? &last.last_preactivation() : nullptr, last.final_activation(), y,
      internal::positions_of(last.output_shape()));
}

std::vector<double> Sequential::batch_sums(const internal::LossOutput& loss, const nn::Matrix& out,
                                           const nn::Matrix& y) const {
  std::vector<double> sums{loss.per_example.cast<double>().sum()};
  const int64_t positions = internal::positions_of(layers_.back()->output_shape());
  for (const internal::Metric& m : loss_->metrics) {
    sums.push_back(
        internal::metric_values_at_positions(m.kind, out, y, positions).cast<double>().sum());
  }
  return sums;
}

Logs Sequential::names_and_means(const std::vector<double>& sums, int64_t count,
                                 const std::string& prefix) const {
  Logs logs;
  const double n = count > 0 ? static_cast<double>(count) : 1.0;
  logs.set(prefix + "loss", sums[0] / n);
  for (size_t i = 0; i < loss_->metrics.size(); ++i) {
    logs.set(prefix + loss_->metrics[i].name, sums[i + 1] / n);
  }
  return logs;
}

Logs Sequential::test_loop(const nn::Matrix& x, const nn::Matrix& y, int batch_size, int verbose) {
  internal::check_batch_size(batch_size);
  const int steps = internal::steps_for(x.rows(), batch_size);
  internal::ProgressBar bar(output(), steps, verbose, cairn::is_terminal(output()));
  std::vector<double> sums(1 + loss_->metrics.size(), 0.0);
  for (int step = 0; step < steps; ++step) {
    const Eigen::Index begin = static_cast<Eigen::Index>(step) * batch_size;
    const Eigen::Index rows = std::min<Eigen::Index>(batch_size, x.rows() - begin);
    std::vector<double> s = test_step(x.middleRows(begin, rows), y.middleRows(begin, rows));
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += s[i];
    bar.update(step + 1, names_and_means(sums, begin + rows));
  }
  Logs logs = names_and_means(sums, x.rows());
  bar.finish(logs);
  return logs;
}

History Sequential::fit(const Tensor& x, const Tensor& y, FitOptions options) {
  internal::check_batch_size(options.batch_size);
  ensure_built(x);
  nn::Matrix xs = internal::rows_of(x, "fit: x"), ys = internal::rows_of(y, "fit: y");
  check_samples(xs, ys, "fit");
  ensure_ready_to_train(ys);
  nn::Matrix val_x, val_y;
  if (options.validation_data) {
    ensure_built(options.validation_data->first);
    val_x = internal::rows_of(options.validation_data->first, "fit: validation x");
    val_y = internal::rows_of(options.validation_data->second, "fit: validation y");
    check_samples(val_x, val_y, "fit: validation_data");
    const Shape& shape = layers_.back()->output_shape();
    internal::check_targets_at_positions(loss_->kind, val_y, shape.back(),
                                         internal::positions_of(shape));
  } else if (options.validation_split > 0.0) {
    if (options.validation_split >= 1.0) {
      throw InvalidArgumentError("validation_split must be in [0, 1)");
    }
    // Keras takes the last samples, before any shuffling.
    const auto split = static_cast<Eigen::Index>(
        std::floor(static_cast<double>(xs.rows()) * (1.0 - options.validation_split)));
    val_x = xs.bottomRows(xs.rows() - split), val_y = ys.bottomRows(ys.rows() - split);
    xs.conservativeResize(split, Eigen::NoChange), ys.conservativeResize(split, Eigen::NoChange);
  }
  const bool validate = val_x.rows() > 0;
  build_optimizer();

  History history;
  stop_training = false;
  // In a group, rank 0 alone prints and writes files.
  const std::vector<CallbackPtr> callbacks = callbacks_on_this_rank(options.callbacks);
  if (!process_group().is_chief()) options.verbose = 0;
  for (const CallbackPtr& cb : callbacks) cb->set_model(this);
  run_and_agree(
      process_group(),
      [&] {
        for (const CallbackPtr& cb : callbacks) cb->on_train_begin({});
      },
      "fit: rank 0 starting its callbacks");
  int start = options.initial_epoch;
  for (const CallbackPtr& cb : callbacks) {
    if (std::optional<int> resume = cb->resume_epoch()) start = std::max(start, *resume);
  }
  start = start_replicas(start, xs.rows());
  for (int epoch = start; epoch < options.epochs && !stop_training; ++epoch) {
    for (const CallbackPtr& cb : callbacks) cb->on_epoch_begin(epoch, {});
    if (options.verbose > 0) output() << "Epoch " << epoch + 1 << "/" << options.epochs << "\n";
    internal::ProgressBar bar(output(), internal::steps_for(xs.rows(), options.batch_size),
                              options.verbose, cairn::is_terminal(output()));
    Logs logs = train_epoch(xs, ys, epoch, options, callbacks, bar);
    if (validate) {
      Logs val = test_loop(val_x, val_y, options.batch_size, /*verbose=*/0);
      for (const auto& [name, value] : val) logs.set("val_" + name, value);
    }
    bar.finish(logs);
    history.epoch.push_back(epoch);
    for (const auto& [name, value] : logs) history.history[name].push_back(value);
    for (const CallbackPtr& cb : callbacks) cb->on_epoch_end(epoch, logs);
    agree_to_stop(epoch);
  }
  for (const CallbackPtr& cb : callbacks) cb->on_train_end({});
  return history;
}

Logs Sequential::train_on_batch(const Tensor& x, const Tensor& y) {
  if (process_group().size() > 1) {
    throw FailedPreconditionError("train_on_batch: model '" + name_ + "' trains in a group of " +
                                  std::to_string(process_group().size()) +
                                  " processes; use fit(), which keeps the ranks in step");
  }
  ensure_built(x);
  const nn::Matrix xs = internal::rows_of(x, "train_on_batch: x");
  const nn::Matrix ys = internal::rows_of(y, "train_on_batch: y");
  check_samples(xs, ys, "train_on_batch");
  ensure_ready_to_train(ys);
  build_optimizer();
  std::mt19937_64 rng = internal::epoch_rng(seed_, static_cast<int>(optimizer_->iterations()));
  return names_and_means(train_step(xs, ys, rng, xs.rows()), xs.rows());
}

Logs Sequential::train_epoch(const nn::Matrix& xs, const nn::Matrix& ys, int epoch,
                             const FitOptions& options, const std::vector<CallbackPtr>& callbacks,
                             internal::ProgressBar& bar) {
  std::mt19937_64 rng = internal::epoch_rng(seed_, epoch);
  std::vector<int64_t> order(static_cast<size_t>(xs.rows()));
  std::iota(order.begin(), order.end(), 0);
  if (options.shuffle) std::shuffle(order.begin(), order.end(), rng);
  const int steps = internal::steps_for(xs.rows(), options.batch_size);
  std::vector<double> sums(1 + loss_->metrics.size(), 0.0);
  size_t seen = 0;
  for (int step = 0; step < steps; ++step) {
    const size_t end = std::min(order.size(), seen + static_cast<size_t>(options.batch_size));
    for (const CallbackPtr& cb : callbacks) cb->on_train_batch_begin(step, {});
    // This rank's rows of the global batch [seen, end): all of them alone.
    const auto global_rows = static_cast<int64_t>(end - seen);
    const RankSlice mine = rank_slice(global_rows, process_group().rank(), process_group().size());
    const size_t begin = seen + static_cast<size_t>(mine.begin);
    const size_t stop = seen + static_cast<size_t>(mine.end);
    std::vector<double> s =
        train_step(internal::gather_rows(xs, order, begin, stop),
                   internal::gather_rows(ys, order, begin, stop), rng, global_rows);
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += s[i];
    seen = end;
    Logs running = names_and_means(sums, static_cast<int64_t>(seen));
    for (const CallbackPtr& cb : callbacks) cb->on_train_batch_end(step, running);
    bar.update(step + 1, running);
  }
  return names_and_means(sums, static_cast<int64_t>(seen));
}

Logs Sequential::evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options) {
  ensure_built(x);
  nn::Matrix xs = internal::rows_of(x, "evaluate: x"), ys = internal::rows_of(y, "evaluate: y");
  check_samples(xs, ys, "evaluate");
  ensure_ready_to_train(ys);
  return test_loop(xs, ys, options.batch_size, options.verbose);
}

Tensor Sequential::predict(const Tensor& x, int batch_size) {
  internal::check_batch_size(batch_size);
  ensure_built(x);
  const nn::Matrix xs = internal::rows_of(x, "predict: x");
  const Shape& shape = layers_.back()->output_shape();
  nn::Matrix out(xs.rows(), internal::positions_of(shape) * shape.back());
  std::mt19937_64 unused;
  for (Eigen::Index begin = 0; begin < xs.rows(); begin += batch_size) {
    const Eigen::Index rows = std::min<Eigen::Index>(batch_size, xs.rows() - begin);
    out.middleRows(begin, rows) = forward(xs.middleRows(begin, rows), /*training=*/false, unused);
  }
  return internal::tensor_of(out, layers_.back()->output_shape());
}

}  // namespace cairn::keras
