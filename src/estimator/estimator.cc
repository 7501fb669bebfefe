// Estimator construction, evaluate and predict; train() is in estimator_train.cc.
#include "cairn/estimator/estimator.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/formats/events/event_writer.h"
#include "estimator/custom_definition.h"
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

void write_eval_events(const std::string& dir, const EvalResult& result, const RunConfig& config) {
  auto writer = value_or_throw(EventWriter::create(*config.file_system, dir));
  for (const auto& [name, value] : result.metrics) {
    throw_if_error(writer->add_scalar(name, static_cast<float>(value), result.global_step));
  }
  throw_if_error(writer->flush());
}

// `spec` once ModelSpec::validate() accepts it.
const ModelSpec& validated(const ModelSpec& spec) {
  spec.validate();
  return spec;
}

}  // namespace

Estimator::Estimator(ModelSpec spec, std::string model_dir, RunConfig config,
                     std::optional<WarmStartSettings> warm_start)
    : Estimator(internal::canned_definition(validated(spec)), std::move(model_dir),
                std::move(config), std::move(warm_start)) {
  spec_ = std::move(spec);
}

Estimator::Estimator(ModelFn model_fn, EstimatorOptions options)
    : Estimator(internal::model_fn_definition(std::move(model_fn), std::move(options.params),
                                              std::move(options.feature_columns)),
                std::move(options.model_dir), std::move(options.config),
                std::move(options.warm_start_from)) {}

Estimator::Estimator(std::shared_ptr<const internal::ModelDefinition> definition,
                     std::string model_dir, RunConfig config,
                     std::optional<WarmStartSettings> warm_start)
    : definition_(std::move(definition)),
      model_dir_(std::move(model_dir)),
      config_(std::move(config)),
      warm_start_(std::move(warm_start)) {
  config_.validate();
  prepare_model_dir();
}

void Estimator::prepare_model_dir() {
  if (!model_dir_.empty()) return;
  if (config_.process_group->size() > 1) {
    // Each rank would make its own temporary directory.
    throw InvalidArgumentError("a model trained by " +
                               std::to_string(config_.process_group->size()) +
                               " ranks needs a model_dir that all of them name");
  }
  model_dir_ = make_temp_model_dir(*config_.file_system);
  internal::log_line(config_, "Using temporary folder as model directory: " + model_dir_);
}

bool Estimator::is_custom() const { return definition_->kind() == internal::kModelFnKind; }

std::vector<data::NumericColumn> Estimator::feature_columns() const {
  if (!is_custom()) return spec_.feature_columns;
  return definition_->feature_columns(internal::newest_recorded(*definition_, model_dir_, config_));
}

Estimator::~Estimator() = default;

std::unique_ptr<Estimator> Estimator::from_model_dir(const std::string& model_dir,
                                                     RunConfig config) {
  // An empty plan: the newest checkpoint whose index and .meta read, no data.
  std::optional<ModelSpec> spec;
  std::shared_ptr<const internal::ModelDefinition> recorded_model;
  auto learn_spec = [&](const CheckpointToRestore& checkpoint) {
    recorded_model = internal::recorded_model_fn_definition(checkpoint.prefix, checkpoint.meta);
    if (recorded_model) return RestorePlan{};
    spec = internal::recorded_spec(checkpoint.prefix, checkpoint.meta);
    if (!spec) spec = internal::infer_spec(checkpoint.reader);
    return RestorePlan{};
  };
  std::optional<Restored> latest = internal::restore_from_model_dir(model_dir, config, learn_spec);
  if (!latest) {
    throw NotFoundError("no checkpoint in model_dir " + model_dir +
                        ": nothing to rebuild a model from");
  }
  if (recorded_model) {
    return std::unique_ptr<Estimator>(
        new Estimator(std::move(recorded_model), model_dir, std::move(config), std::nullopt));
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
  data::Dataset::Iterator it = input_fn().make_iterator();
  std::optional<data::Batch> batch = it.next();
  if (!batch) throw InvalidArgumentError("evaluate: input_fn produced no examples");
  internal::Session session = internal::open_session(
      *definition_, model_dir_, config_, {.mode = ModeKeys::kEval, .first_batch = &*batch});
  double batch_loss_sum = 0;
  int64_t batches = 0;
  for (; batch && (!options.steps || batches < *options.steps); batch = it.next(), ++batches) {
    nn::LossResult loss = session.model->loss(*batch, /*training=*/false);
    batch_loss_sum += loss.per_example.cast<double>().mean();
    session.model->add_eval_batch(*batch, loss);
  }
  EvalResult result;
  result.global_step = session.step();
  result.metrics = session.model->eval_metrics();
  result.metrics["loss"] = batch_loss_sum / static_cast<double>(batches);
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
  data::Dataset::Iterator it = input_fn().make_iterator();
  std::optional<data::Batch> batch = it.next();
  if (!batch) return {};
  internal::Session session = internal::open_session(
      *definition_, model_dir_, config_, {.mode = ModeKeys::kPredict, .first_batch = &*batch});
  std::vector<Prediction> out;
  for (; batch; batch = it.next()) {
    std::vector<Prediction> rows = session.model->predict(batch->features);
    out.insert(out.end(), std::make_move_iterator(rows.begin()),
               std::make_move_iterator(rows.end()));
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
