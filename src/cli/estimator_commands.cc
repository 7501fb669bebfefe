#include "cli/estimator_commands.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/data/dataset.h"
#include "cairn/estimator/csv_input.h"
#include "cairn/estimator/estimator.h"
#include "cli/flag_checks.h"
#include "cli/guarded.h"
#include "cli/keras_estimator_train.h"
#include "cli/progress_output.h"

namespace cairn::cli {
namespace {

using OrderedJson = nlohmann::ordered_json;
using estimator::EstimatorType;
using estimator::ModelSpec;

EstimatorType estimator_type(const std::string& flag) {
  if (flag == "dnn-classifier") return EstimatorType::kDNNClassifier;
  if (flag == "dnn-regressor") return EstimatorType::kDNNRegressor;
  if (flag == "linear-classifier") return EstimatorType::kLinearClassifier;
  throw InvalidArgumentError(
      "--estimator must be dnn-classifier, dnn-regressor, "
      "linear-classifier or keras, not \"" +
      flag + "\"");
}

// The most classes `train` infers from the largest label; more must be asked
// for with --n-classes (a stray label would otherwise size the logits layer).
constexpr int64_t kMaxInferredClasses = 10000;

int64_t infer_classes(const estimator::CsvInput& input, const std::string& path) {
  if (!input.class_names.empty()) return static_cast<int64_t>(input.class_names.size());
  if (input.labels.rows() == 0 || input.labels.cols() == 0) return 2;
  Eigen::Index row = 0;
  const float top = input.labels.col(0).maxCoeff(&row);
  if (std::isfinite(top) && top < static_cast<float>(kMaxInferredClasses)) {
    return std::max<int64_t>(2, static_cast<int64_t>(std::lround(top)) + 1);
  }
  std::ostringstream label;
  label << std::setprecision(10) << top;
  throw InvalidArgumentError("label " + label.str() + " in " + path + " (data row " +
                             std::to_string(row + 1) + ") implies " +
                             (std::isfinite(top) ? std::to_string(std::llround(top) + 1) + " "
                                                 : std::string("no number of ")) +
                             "classes (more than the " + std::to_string(kMaxInferredClasses) +
                             " train infers); pass --n-classes or fix the label");
}

// Each flag on its own, named, before any data is read or memory sized by it;
// ModelSpec::validate then checks the model they describe (--learning-rate,
// and sizes that only together are too large).
void check_train_flags(const TrainCommand& cmd) {
  if (cmd.hidden_units) {
    for (int64_t units : *cmd.hidden_units) {
      check_flag_range("--hidden-units", units, 1, estimator::kMaxModelParameters);
    }
  }
  if (cmd.n_classes && *cmd.n_classes < 2) {
    throw InvalidArgumentError("--n-classes is " + std::to_string(*cmd.n_classes) +
                               "; a classifier needs at least 2");
  }
  check_flag_range("--steps", cmd.steps, 1, std::numeric_limits<int64_t>::max());
  check_flag_range("--batch-size", cmd.batch_size, 1, data::kMaxBatchSize);
}

// The recorded configuration, overridden by every flag given.
ModelSpec train_spec(const TrainCommand& cmd, const estimator::CsvInput& input) {
  std::unique_ptr<estimator::Estimator> existing;
  if (latest_checkpoint(cmd.model_dir))
    existing = estimator::Estimator::from_model_dir(cmd.model_dir);
  ModelSpec spec = existing ? existing->spec() : ModelSpec{};
  if (!existing) {
    spec.feature_columns = {data::numeric_column("x", input.features.cols())};
    spec.hidden_units = {10, 10};
    spec.n_classes = infer_classes(input, cmd.train_csv);
  }
  if (cmd.estimator) {
    spec.type = estimator_type(*cmd.estimator);
    if (!existing && spec.type == EstimatorType::kLinearClassifier) {
      spec.optimizer = "Ftrl";
      spec.hidden_units.clear();
      spec.learning_rate = 0.2;  // TensorFlow: min(0.2, 1 / sqrt(1 feature column))
    }
  }
  if (cmd.hidden_units) spec.hidden_units = *cmd.hidden_units;
  if (cmd.n_classes) spec.n_classes = *cmd.n_classes;
  if (cmd.optimizer) spec.optimizer = *cmd.optimizer;
  if (cmd.learning_rate) spec.learning_rate = *cmd.learning_rate;
  spec.validate();
  return spec;
}

// --estimator keras, or a model_dir whose model a model_fn (or Keras) built.
bool trains_keras_model(const TrainCommand& cmd) {
  if (cmd.estimator) return *cmd.estimator == "keras";
  if (cmd.keras_model) return true;
  return latest_checkpoint(cmd.model_dir) &&
         estimator::Estimator::from_model_dir(cmd.model_dir)->is_custom();
}

estimator::RunConfig run_config(const TrainCommand& cmd) {
  estimator::RunConfig config;
  config.save_checkpoints_steps = cmd.save_checkpoints_steps;
  config.save_checkpoints_secs = cmd.save_checkpoints_secs;
  if (cmd.keep_checkpoint_max) config.keep_checkpoint_max = *cmd.keep_checkpoint_max;
  config.tf_random_seed = cmd.seed;
  return config;
}

}  // namespace

int run_train(const TrainCommand& cmd, std::ostream& out, std::ostream& err) {
  // Outlives guarded(), which prints this rank's error first: destroying a
  // group broken by a timeout ends the whole job.
  std::unique_ptr<ProcessGroup> mpi;
  return guarded("train", err, [&] {
    check_train_flags(cmd);
    mpi = job_process_group(cmd.collective_timeout);
    ProcessGroup& group = mpi ? *mpi : single_process();
    estimator::RunConfig config = run_config(cmd);
    config.process_group = &group;
    config.validate();
    // Rank 0 speaks for the job: the other ranks show no progress and print
    // nothing but their errors.
    std::unique_ptr<ProgressBar> bar =
        command_progress(err, "train", cmd.no_progress || !group.is_chief());
    if (bar) {  // log lines go above the bar, not through it
      config.log = [&bar](const std::string& line) {
        bar->print_above(estimator::kDefaultLogPrefix + line);
      };
    }
    estimator::CsvInput input = estimator::read_csv_input(cmd.train_csv, -1);
    std::unique_ptr<estimator::Estimator> owned;
    if (trains_keras_model(cmd)) {
      owned = keras_estimator(cmd, config);
    } else {
      owned = std::make_unique<estimator::Estimator>(train_spec(cmd, input), cmd.model_dir, config);
    }
    estimator::Estimator& model = *owned;
    const std::vector<data::NumericColumn> columns =
        model.feature_columns();  // a Keras model's: its input, by name
    uint64_t seed = cmd.seed.value_or(0);
    model.train(
        [&] {  // the same global batches on every rank, each taking its slice
          return estimator::make_dataset(input, columns)
              .shuffle(1000, seed)
              .repeat()
              .batch(cmd.batch_size);
        },
        {.steps = cmd.steps, .progress = bar.get()});
    if (bar) bar->finish();
    if (group.is_chief()) {
      out << "trained to " << model.latest_checkpoint().value_or("(no checkpoint)") << "\n";
    }
  });
}

namespace {
int64_t total_width(const std::vector<data::NumericColumn>& columns) {
  int64_t width = 0;
  for (const auto& c : columns) width += c.shape;
  return width;
}
}  // namespace

int run_evaluate(const DataCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("evaluate", err, [&] {
    check_flag_range("--batch-size", cmd.batch_size, 1, data::kMaxBatchSize);
    auto model = estimator::Estimator::from_model_dir(cmd.model_dir);
    const std::vector<data::NumericColumn> columns = model->feature_columns();
    auto input = estimator::read_csv_input(cmd.data_csv, total_width(columns));
    if (input.labels.cols() == 0) {
      throw InvalidArgumentError(cmd.data_csv + ": evaluate needs a label column after the " +
                                 std::to_string(total_width(columns)) + " features");
    }
    auto result = model->evaluate(
        [&] { return estimator::make_dataset(input, columns).batch(cmd.batch_size); });
    OrderedJson doc;
    for (const auto& [name, value] : result.metrics) doc[name] = value;
    doc["global_step"] = result.global_step;
    if (cmd.json) {
      out << doc.dump() << "\n";
      return;
    }
    for (const auto& [name, value] : doc.items()) out << name << " = " << value << "\n";
  });
}

int run_predict(const DataCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("predict", err, [&] {
    check_flag_range("--batch-size", cmd.batch_size, 1, data::kMaxBatchSize);
    auto model = estimator::Estimator::from_model_dir(cmd.model_dir);
    const std::vector<data::NumericColumn> columns = model->feature_columns();
    auto input = estimator::read_csv_input(cmd.data_csv, total_width(columns));
    auto predictions = model->predict(
        [&] { return estimator::make_dataset(input, columns).batch(cmd.batch_size); });
    bool regressor = !model->is_custom() && model->spec().type == EstimatorType::kDNNRegressor;
    OrderedJson rows = OrderedJson::array();
    for (const auto& p : predictions) {
      if (model->is_custom()) {
        OrderedJson row = OrderedJson::object();
        for (const auto& [name, values] : p.outputs) row[name] = values;
        if (p.outputs.count("class_ids")) row["class_ids"] = std::vector<int64_t>{p.class_id};
        rows.push_back(row);
      } else if (regressor) {
        rows.push_back({{"predictions", p.predictions}});
      } else {
        rows.push_back({{"class_id", p.class_id}, {"probabilities", p.probabilities}});
      }
    }
    if (cmd.json) {
      out << rows.dump() << "\n";
      return;
    }
    for (const auto& row : rows) out << row.dump() << "\n";
  });
}

}  // namespace cairn::cli
