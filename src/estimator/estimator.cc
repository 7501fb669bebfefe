// Estimator construction, evaluate and predict; train() is in estimator_train.cc.
#include "cairn/estimator/estimator.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/formats/events/event_writer.h"
#include "estimator/session.h"
#include "estimator/variable_restore.h"

namespace cairn::estimator {
namespace {

// A fresh directory under $TMPDIR (or /tmp): mkdtemp on the POSIX file
// system, a name not yet taken on any other.
std::string make_temp_model_dir(FileSystem& fs) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/cairn_model_XXXXXX";
  if (&fs == &default_file_system()) {
    if (mkdtemp(pattern.data()) == nullptr) {
      throw ResourceExhaustedError("cannot create a temporary model directory " + pattern);
    }
    return pattern;
  }
  std::random_device random;
  std::string dir;
  do {
    dir = pattern.substr(0, pattern.size() - 6) + std::to_string(random());
  } while (fs.file_exists(dir));
  throw_if_error(fs.create_directories(dir));
  return dir;
}

std::string format_metric(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.8g", v);
  return buf;
}

struct EvalTotals {
  double loss_sum = 0, batch_loss_sum = 0, correct = 0;
  int64_t examples = 0, batches = 0;
};

void accumulate(const ModelSpec& spec, const nn::Matrix& logits, const data::Batch& batch,
                EvalTotals* totals) {
  nn::LossResult loss = internal::head_loss(spec, logits, batch.labels);
  totals->loss_sum += loss.per_example.cast<double>().sum();
  totals->batch_loss_sum += loss.per_example.cast<double>().mean();
  totals->examples += batch.rows();
  totals->batches += 1;
  if (spec.type == EstimatorType::kDNNRegressor) return;
  std::vector<Prediction> predictions = internal::head_predictions(spec, logits);
  for (size_t r = 0; r < predictions.size(); ++r) {
    float label = batch.labels(static_cast<Eigen::Index>(r), 0);
    totals->correct += predictions[r].class_id == std::lround(label) ? 1 : 0;
  }
}

void write_eval_events(const std::string& dir, const EvalResult& result, const RunConfig& config) {
  auto writer = value_or_throw(EventWriter::create(*config.file_system, dir));
  for (const auto& [name, value] : result.metrics) {
    throw_if_error(writer->add_scalar(name, static_cast<float>(value), result.global_step));
  }
  throw_if_error(writer->flush());
}

}  // namespace

Estimator::Estimator(ModelSpec spec, std::string model_dir, RunConfig config,
                     std::optional<WarmStartSettings> warm_start)
    : spec_(std::move(spec)),
      model_dir_(std::move(model_dir)),
      config_(std::move(config)),
      warm_start_(std::move(warm_start)) {
  config_.validate();
  spec_.validate();
  if (model_dir_.empty()) {
    if (config_.process_group->size() > 1) {
      // Each rank would make its own temporary directory.
      throw InvalidArgumentError("a model trained by " +
                                 std::to_string(config_.process_group->size()) +
                                 " ranks needs a model_dir that all of them name");
    }
    model_dir_ = make_temp_model_dir(*config_.file_system);
    internal::log_line(config_, "Using temporary folder as model directory: " + model_dir_);
  }
}

Estimator::~Estimator() = default;

std::unique_ptr<Estimator> Estimator::from_model_dir(const std::string& model_dir,
                                                     RunConfig config) {
  // An empty plan: the newest checkpoint whose index and .meta read, no data.
  std::optional<ModelSpec> spec;
  auto learn_spec = [&spec](const CheckpointToRestore& checkpoint) {
    spec = internal::recorded_spec(checkpoint.prefix, checkpoint.meta);
    if (!spec) spec = internal::infer_spec(checkpoint.reader);
    return RestorePlan{};
  };
  std::optional<Restored> latest = internal::restore_from_model_dir(model_dir, config, learn_spec);
  if (!latest) {
    throw NotFoundError("no checkpoint in model_dir " + model_dir +
                        ": nothing to rebuild a model from");
  }
  if (!spec) {
    throw NotFoundError("cannot tell which model wrote " + latest->prefix +
                        ": it records no cairn configuration and its variables are not those "
                        "of a canned DNN estimator");
  }
  return std::make_unique<Estimator>(*spec, model_dir, std::move(config));
}

std::optional<std::string> Estimator::latest_checkpoint() const {
  FileSystem& fs = *config_.file_system;
  if (!fs.is_directory(model_dir_)) return std::nullopt;
  return cairn::latest_checkpoint(model_dir_, fs);
}

EvalResult Estimator::evaluate(const data::InputFn& input_fn, EvalOptions options) {
  internal::Session session = internal::open_session(spec_, model_dir_, config_, {});
  auto it = input_fn().make_iterator();
  EvalTotals totals;
  while (!options.steps || totals.batches < *options.steps) {
    std::optional<data::Batch> batch = it.next();
    if (!batch) break;
    accumulate(spec_, session.model->forward(batch->features, false), *batch, &totals);
  }
  if (totals.examples == 0) throw InvalidArgumentError("evaluate: input_fn produced no examples");
  EvalResult result;
  result.global_step = session.step();
  if (spec_.type != EstimatorType::kDNNRegressor) {
    result.metrics["accuracy"] = totals.correct / static_cast<double>(totals.examples);
  }
  result.metrics["average_loss"] = totals.loss_sum / static_cast<double>(totals.examples);
  result.metrics["loss"] = totals.batch_loss_sum / static_cast<double>(totals.batches);
  std::string line = "Saving dict for global step " + std::to_string(result.global_step) + ":";
  for (const auto& [name, value] : result.metrics)
    line += " " + name + " = " + format_metric(value) + ",";
  internal::log_line(config_, line + " global_step = " + std::to_string(result.global_step));
  // Never through a symbolic link (or a name) leading out of the model directory.
  std::string eval_dir = value_or_throw(config_.file_system->resolve_beneath(
      model_dir_, options.name.empty() ? "eval" : "eval_" + options.name));
  // Every rank may evaluate; one of them writes what TensorBoard shows.
  if (config_.process_group->is_chief()) write_eval_events(eval_dir, result, config_);
  return result;
}

std::vector<Prediction> Estimator::predict(const data::InputFn& input_fn) {
  internal::Session session = internal::open_session(spec_, model_dir_, config_, {});
  std::vector<Prediction> out;
  auto it = input_fn().make_iterator();
  while (std::optional<data::Batch> batch = it.next()) {
    auto rows = internal::head_predictions(spec_, session.model->forward(batch->features, false));
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

DNNClassifier::DNNClassifier(DNNClassifierOptions o)
    : Estimator(ModelSpec{.type = EstimatorType::kDNNClassifier,
                          .feature_columns = o.feature_columns,
                          .hidden_units = o.hidden_units,
                          .n_classes = o.n_classes,
                          .activation = o.activation_fn,
                          .dropout = o.dropout,
                          .optimizer = o.optimizer,
                          .learning_rate = o.learning_rate},
                o.model_dir, o.config, o.warm_start_from) {}

DNNRegressor::DNNRegressor(DNNRegressorOptions o)
    : Estimator(ModelSpec{.type = EstimatorType::kDNNRegressor,
                          .feature_columns = o.feature_columns,
                          .hidden_units = o.hidden_units,
                          .label_dimension = o.label_dimension,
                          .activation = o.activation_fn,
                          .dropout = o.dropout,
                          .optimizer = o.optimizer,
                          .learning_rate = o.learning_rate},
                o.model_dir, o.config, o.warm_start_from) {}

namespace {
ModelSpec linear_spec(const LinearClassifierOptions& o) {
  ModelSpec spec{.type = EstimatorType::kLinearClassifier,
                 .feature_columns = o.feature_columns,
                 .n_classes = o.n_classes,
                 .optimizer = o.optimizer};
  spec.learning_rate = o.learning_rate.value_or(internal::default_learning_rate(spec));
  return spec;
}
}  // namespace

LinearClassifier::LinearClassifier(LinearClassifierOptions o)
    : Estimator(linear_spec(o), o.model_dir, o.config, o.warm_start_from) {}

}  // namespace cairn::estimator
