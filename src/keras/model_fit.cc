// keras::Model's training and inference loops: fit, evaluate, predict over
// several inputs and outputs, with Sequential's losses, metrics and optimizers.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cairn/core/errors.h"
#include "cairn/core/progress_bar.h"
#include "cairn/keras/model.h"
#include "keras/callbacks/progress_bar.h"
#include "keras/compiled_loss.h"
#include "keras/fit_loop.h"
#include "keras/layers/layer_config.h"
#include "keras/model_graph.h"
#include "keras/tensor_rows.h"

namespace cairn::keras {

namespace {

void check_samples(const std::vector<nn::Matrix>& xs, const std::vector<nn::Matrix>& ys,
                   const std::string& what) {
  for (const std::vector<nn::Matrix>* group : {&xs, &ys}) {
    for (const nn::Matrix& m : *group) {
      if (m.rows() != xs[0].rows()) {
        throw InvalidArgumentError(what + ": the tensors hold " + std::to_string(xs[0].rows()) +
                                   " and " + std::to_string(m.rows()) + " samples");
      }
    }
  }
}

std::vector<nn::Matrix> rows_between(const std::vector<nn::Matrix>& ms, Eigen::Index begin,
                                     Eigen::Index end) {
  std::vector<nn::Matrix> out;
  for (const nn::Matrix& m : ms) out.push_back(m.middleRows(begin, end - begin));
  return out;
}

}  // namespace

std::vector<nn::Matrix> Model::input_rows(const Tensors& x, const std::string& what) const {
  const std::vector<Tensor> tensors = x.in_order_of(input_names(), what);
  const std::vector<Shape> shapes = input_shapes();
  std::vector<nn::Matrix> rows;
  for (size_t k = 0; k < tensors.size(); ++k) {
    if (internal::sample_shape(tensors[k]) != shapes[k]) {
      throw InvalidArgumentError(what + ": input '" + input_names()[k] + "' of model '" + name_ +
                                 "' takes samples of shape " +
                                 internal::shape_json(shapes[k]).dump() + ", got " +
                                 internal::shape_json(internal::sample_shape(tensors[k])).dump());
    }
    rows.push_back(internal::rows_of(tensors[k], what + " '" + input_names()[k] + "'"));
  }
  return rows;
}

std::vector<nn::Matrix> Model::target_rows(const Tensors& y, const std::string& what) const {
  const std::vector<Tensor> tensors = y.in_order_of(output_names(), what);
  std::vector<nn::Matrix> rows;
  for (size_t k = 0; k < tensors.size(); ++k) {
    rows.push_back(internal::rows_of(tensors[k], what + " '" + output_names()[k] + "'"));
    const Shape shape = output_shapes()[k];
    internal::check_targets_at_positions(losses_[k].kind, rows.back(), shape.back(),
                                         internal::positions_of(shape));
  }
  return rows;
}

std::vector<double> Model::step(const std::vector<nn::Matrix>& x, const std::vector<nn::Matrix>& y,
                                bool train, std::mt19937_64& rng, int64_t global_rows) {
  std::vector<const nn::Matrix*> inputs;
  for (const nn::Matrix& m : x) inputs.push_back(&m);
  const std::vector<const nn::Matrix*> outs = graph_->forward(inputs, train, rng);
  const size_t n = outs.size();
  std::vector<double> sums(1 + (n > 1 ? n : 0), 0.0);
  std::vector<double> metric_sums;
  std::vector<nn::Matrix> gradients(n);
  std::vector<bool> preactivation(n);
  for (size_t k = 0; k < n; ++k) {
    const Layer& last = *graph_->nodes()[graph_->output_nodes()[k]].layer;
    const bool fuse = graph_->can_fuse(k);  // as Sequential: evaluation too
    // An N-d output (T, k): a loss per position, averaged per sample, as Keras.
    const int64_t positions =
        internal::positions_of(graph_->nodes()[graph_->output_nodes()[k]].shape);
    internal::LossOutput loss = internal::compute_loss_at_positions(
        losses_[k].kind, *outs[k], fuse ? &last.last_preactivation() : nullptr,
        last.final_activation(), y[k], positions);
    const double sum = loss.per_example.cast<double>().sum();
    sums[0] += loss_weights_[k] * sum;
    if (n > 1) sums[1 + k] = sum;
    for (const internal::Metric& m : losses_[k].metrics) {
      metric_sums.push_back(internal::metric_values_at_positions(m.kind, *outs[k], y[k], positions)
                                .cast<double>()
                                .sum());
    }
    gradients[k] = std::move(loss.gradient) * static_cast<float>(loss_weights_[k]);
    preactivation[k] = loss.fused;
  }
  sums.insert(sums.end(), metric_sums.begin(), metric_sums.end());
  if (train) {
    graph_->backward(gradients, preactivation);
    // In a group, the gradients (and sums) are summed over the ranks first.
    if (process_group().size() > 1) all_reduce_step(weights(), sums, x[0].rows(), global_rows);
    optimizer_->apply_gradients(weights());
  }
  return sums;
}

std::vector<std::string> Model::log_names() const {
  const std::vector<std::string> outputs = output_names();
  const bool several = outputs.size() > 1;
  std::vector<std::string> names{"loss"};
  if (several) {
    for (const std::string& out : outputs) names.push_back(out + "_loss");
  }
  for (size_t k = 0; k < outputs.size(); ++k) {
    for (const internal::Metric& m : losses_[k].metrics) {
      names.push_back(several ? outputs[k] + "_" + m.name : m.name);
    }
  }
  return names;
}

Logs Model::names_and_means(const std::vector<double>& sums, int64_t count,
                            const std::string& prefix) const {
  Logs logs;
  const double n = count > 0 ? static_cast<double>(count) : 1.0;
  const std::vector<std::string> names = log_names();
  for (size_t i = 0; i < names.size(); ++i) logs.set(prefix + names[i], sums[i] / n);
  return logs;
}

Logs Model::test_loop(const std::vector<nn::Matrix>& x, const std::vector<nn::Matrix>& y,
                      int batch_size, int verbose) {
  internal::check_batch_size(batch_size);
  const Eigen::Index samples = x[0].rows();
  const int steps = internal::steps_for(samples, batch_size);
  internal::ProgressBar bar(output(), steps, verbose, cairn::is_terminal(output()));
  std::vector<double> sums(log_names().size(), 0.0);
  std::mt19937_64 unused;
  for (int s = 0; s < steps; ++s) {
    const Eigen::Index begin = static_cast<Eigen::Index>(s) * batch_size;
    const Eigen::Index end = std::min<Eigen::Index>(begin + batch_size, samples);
    const std::vector<double> batch =
        step(rows_between(x, begin, end), rows_between(y, begin, end), false, unused, end - begin);
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += batch[i];
    bar.update(s + 1, names_and_means(sums, end));
  }
  Logs logs = names_and_means(sums, samples);
  bar.finish(logs);
  return logs;
}

Logs Model::train_epoch(const std::vector<nn::Matrix>& x, const std::vector<nn::Matrix>& y,
                        int epoch, const ModelFitOptions& options, internal::ProgressBar& bar) {
  std::mt19937_64 rng = internal::epoch_rng(seed_, epoch);
  std::vector<int64_t> order(static_cast<size_t>(x[0].rows()));
  std::iota(order.begin(), order.end(), 0);
  if (options.shuffle) std::shuffle(order.begin(), order.end(), rng);
  const int steps = internal::steps_for(x[0].rows(), options.batch_size);
  std::vector<double> sums(log_names().size(), 0.0);
  size_t seen = 0;
  for (int s = 0; s < steps; ++s) {
    const size_t end = std::min(order.size(), seen + static_cast<size_t>(options.batch_size));
    // This rank's rows of the global batch [seen, end): all of them alone.
    const auto global_rows = static_cast<int64_t>(end - seen);
    const RankSlice mine = rank_slice(global_rows, process_group().rank(), process_group().size());
    const size_t first = seen + static_cast<size_t>(mine.begin);
    const size_t last = seen + static_cast<size_t>(mine.end);
    std::vector<nn::Matrix> bx, by;
    for (const nn::Matrix& m : x) bx.push_back(internal::gather_rows(m, order, first, last));
    for (const nn::Matrix& m : y) by.push_back(internal::gather_rows(m, order, first, last));
    for (const CallbackPtr& cb : options.callbacks) cb->on_train_batch_begin(s, {});
    const std::vector<double> batch = step(bx, by, true, rng, global_rows);
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += batch[i];
    seen = end;
    const Logs running = names_and_means(sums, static_cast<int64_t>(seen));
    for (const CallbackPtr& cb : options.callbacks) cb->on_train_batch_end(s, running);
    bar.update(s + 1, running);
  }
  return names_and_means(sums, static_cast<int64_t>(seen));
}

void Model::take_validation(std::vector<nn::Matrix>& xs, std::vector<nn::Matrix>& ys,
                            const ModelFitOptions& options, std::vector<nn::Matrix>& val_x,
                            std::vector<nn::Matrix>& val_y) const {
  if (options.validation_data) {
    val_x = input_rows(options.validation_data->first, "fit: validation x");
    val_y = target_rows(options.validation_data->second, "fit: validation y");
    check_samples(val_x, val_y, "fit: validation_data");
    return;
  }
  if (options.validation_split <= 0.0) return;
  if (options.validation_split >= 1.0) {
    throw InvalidArgumentError("validation_split must be in [0, 1)");
  }
  // Keras takes the last samples, before any shuffling.
  const auto split = static_cast<Eigen::Index>(
      std::floor(static_cast<double>(xs[0].rows()) * (1.0 - options.validation_split)));
  for (auto [all, val] : {std::pair{&xs, &val_x}, std::pair{&ys, &val_y}}) {
    for (nn::Matrix& m : *all) {
      val->push_back(m.bottomRows(m.rows() - split));
      m.conservativeResize(split, Eigen::NoChange);
    }
  }
}

History Model::fit(const Tensors& x, const Tensors& y, ModelFitOptions options) {
  internal::check_batch_size(options.batch_size);
  ensure_compiled();
  std::vector<nn::Matrix> xs = input_rows(x, "fit: x"), ys = target_rows(y, "fit: y");
  check_samples(xs, ys, "fit");
  std::vector<nn::Matrix> val_x, val_y;
  take_validation(xs, ys, options, val_x, val_y);
  build_optimizer();
  History history;
  stop_training = false;
  // In a group, rank 0 alone prints and writes files (as Sequential::fit).
  options.callbacks = callbacks_on_this_rank(options.callbacks);
  if (!process_group().is_chief()) options.verbose = 0;
  for (const CallbackPtr& cb : options.callbacks) cb->set_model(this);
  run_and_agree(
      process_group(),
      [&] {
        for (const CallbackPtr& cb : options.callbacks) cb->on_train_begin({});
      },
      "fit: rank 0 starting its callbacks");
  int start = options.initial_epoch;
  for (const CallbackPtr& cb : options.callbacks) {
    if (std::optional<int> resume = cb->resume_epoch()) start = std::max(start, *resume);
  }
  start = start_replicas(start, xs[0].rows());
  for (int epoch = start; epoch < options.epochs && !stop_training; ++epoch) {
    for (const CallbackPtr& cb : options.callbacks) cb->on_epoch_begin(epoch, {});
    if (options.verbose > 0) output() << "Epoch " << epoch + 1 << "/" << options.epochs << "\n";
    internal::ProgressBar bar(output(), internal::steps_for(xs[0].rows(), options.batch_size),
                              options.verbose, cairn::is_terminal(output()));
    Logs logs = train_epoch(xs, ys, epoch, options, bar);
    if (!val_x.empty() && val_x[0].rows() > 0) {
      for (const auto& [name, value] : test_loop(val_x, val_y, options.batch_size, 0)) {
        logs.set("val_" + name, value);
      }
    }
    bar.finish(logs);
    history.epoch.push_back(epoch);
    for (const auto& [name, value] : logs) history.history[name].push_back(value);
    for (const CallbackPtr& cb : options.callbacks) cb->on_epoch_end(epoch, logs);
    agree_to_stop(epoch);
  }
  for (const CallbackPtr& cb : options.callbacks) cb->on_train_end({});
  return history;
}

Logs Model::train_on_batch(const Tensors& x, const Tensors& y) {
  ensure_compiled();
  if (process_group().size() > 1) {
    throw FailedPreconditionError("train_on_batch: model '" + name_ + "' trains in a group of " +
                                  std::to_string(process_group().size()) +
                                  " processes; use fit(), which keeps the ranks in step");
  }
  const std::vector<nn::Matrix> xs = input_rows(x, "train_on_batch: x");
  const std::vector<nn::Matrix> ys = target_rows(y, "train_on_batch: y");
  check_samples(xs, ys, "train_on_batch");
  build_optimizer();
  std::mt19937_64 rng = internal::epoch_rng(seed_, static_cast<int>(optimizer_->iterations()));
  return names_and_means(step(xs, ys, /*train=*/true, rng, xs[0].rows()), xs[0].rows());
}

Logs Model::evaluate(const Tensors& x, const Tensors& y, EvaluateOptions options) {
  ensure_compiled();
  const std::vector<nn::Matrix> xs = input_rows(x, "evaluate: x");
  const std::vector<nn::Matrix> ys = target_rows(y, "evaluate: y");
  check_samples(xs, ys, "evaluate");
  return test_loop(xs, ys, options.batch_size, options.verbose);
}

std::vector<Tensor> Model::predict(const Tensors& x, int batch_size) {
  internal::check_batch_size(batch_size);
  const std::vector<nn::Matrix> xs = input_rows(x, "predict: x");
  check_samples(xs, {}, "predict");
  const std::vector<Shape> shapes = output_shapes();
  std::vector<nn::Matrix> out;
  for (const Shape& s : shapes) {
    out.emplace_back(xs[0].rows(),
                     std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<>()));
  }
  std::mt19937_64 unused;
  for (Eigen::Index begin = 0; begin < xs[0].rows(); begin += batch_size) {
    const Eigen::Index end = std::min<Eigen::Index>(begin + batch_size, xs[0].rows());
    const std::vector<nn::Matrix> batch = rows_between(xs, begin, end);
    std::vector<const nn::Matrix*> inputs;
    for (const nn::Matrix& m : batch) inputs.push_back(&m);
    const std::vector<const nn::Matrix*> ys = graph_->forward(inputs, false, unused);
    for (size_t k = 0; k < ys.size(); ++k) out[k].middleRows(begin, end - begin) = *ys[k];
  }
  std::vector<Tensor> tensors;
  for (size_t k = 0; k < out.size(); ++k) tensors.push_back(internal::tensor_of(out[k], shapes[k]));
  return tensors;
}

}  // namespace cairn::keras
