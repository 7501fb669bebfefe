// Estimator::train: the training loop with TensorFlow's hooks folded in
// (checkpoint saver, summary saver, step counter, loss logger, NaN guard),
// on each rank of config.process_group (train_step.h: a rank's share of a
// step). Every rank runs the same loop and makes the same decisions; rank 0
// alone logs and writes graph.pbtxt, events and summaries.
#include <cmath>
#include <cstdio>
#include <optional>

#include "cairn/checkpoint/async_saver.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"
#include "estimator/model_dir_writer.h"
#include "estimator/save_schedule.h"
#include "estimator/session.h"
#include "estimator/train_step.h"

namespace cairn::estimator {
namespace {

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.8g", v);
  return buf;
}

int64_t target_step(const TrainOptions& options, int64_t global_step) {
  if (options.steps.has_value() == options.max_steps.has_value()) {
    throw InvalidArgumentError("train: set exactly one of steps and max_steps");
  }
  if (options.steps) {
    if (*options.steps <= 0) throw InvalidArgumentError("train: steps must be positive");
    int64_t target = 0;  // the global step comes from a file: it may be near 2^63
    if (__builtin_add_overflow(global_step, *options.steps, &target)) {
      throw InvalidArgumentError("train: global step " + std::to_string(global_step) + " plus " +
                                 std::to_string(*options.steps) + " steps overflows");
    }
    return target;
  }
  if (*options.max_steps <= 0) throw InvalidArgumentError("train: max_steps must be positive");
  return *options.max_steps;
}

class TrainLoop {
 public:
  TrainLoop(const internal::ModelDefinition& definition, const std::string& dir,
            const RunConfig& config, internal::Session& session)
      : dir_(dir),
        config_(config),
        group_(*config.process_group),
        session_(session),
        schedule_(config, internal::now_seconds(config)),
        rate_time_(internal::now_seconds(config)),
        rate_step_(session.step()) {
    if (group_.is_chief()) files_.emplace(definition, session, dir, *config.file_system);
    manager_.emplace(CheckpointManagerOptions{.directory = dir,
                                              .max_to_keep = config.keep_checkpoint_max,
                                              .keep_checkpoint_every_n_hours =
                                                  config.keep_checkpoint_every_n_hours,
                                              .clock = config.clock,
                                              .group = &group_},
                     *config.file_system);
    if (config.async_save && group_.size() > 1) {
      // The ranks' shards are written with collectives, which must run on
      // the thread that trains (checkpoint_manager.h).
      internal::log_line(config, "async_save: saving synchronously, as " +
                                     std::to_string(group_.size()) +
                                     " ranks write each checkpoint together");
    } else if (config.async_save) {
      async_.emplace();
      async_->prepare(session_.tensor_refs());  // the first save then only copies
    }
  }

  // Trains on `batch` (the input's first) and what `it` yields after it.
  void run(data::Dataset::Iterator& it, std::optional<data::Batch> batch, int64_t target,
           Progress* progress) {
    const int64_t first = session_.step();
    for (bool first_batch = true; session_.step() < target; first_batch = false) {
      if (!first_batch) batch = it.next();
      if (!batch) {
        internal::log_line(config_, "Input exhausted at step " + std::to_string(session_.step()));
        break;
      }
      // Rank 0 decides on its clock whether to save after the step; its vote
      // reaches every rank with the step's gradients.
      internal::StepResult result = internal::train_step(session_, *batch, group_, [&] {
        return schedule_.should_save(session_.step() + 1, internal::now_seconds(config_));
      });
      after_step(result);
      report_progress(progress, session_.step() - first, target - first, ProgressUnit::kSteps);
    }
    if (schedule_.needs_final_save(session_.step())) save();
    if (async_) async_->wait();  // train() returns only once every save is committed
    internal::log_line(config_, "Loss for final step: " + format_number(last_loss_) + ".");
    if (files_) throw_if_error(files_->events->flush());
  }

 private:
  void after_step(const internal::StepResult& result) {
    const float loss = result.loss;
    last_loss_ = loss;
    int64_t step = session_.step();
    bool first = !logged_once_;
    logged_once_ = true;
    if (config_.log_step_count_steps > 0 && (first || step % config_.log_step_count_steps == 0)) {
      if (!first) log_rate(step);
      internal::log_line(config_,
                         "loss = " + format_number(loss) + ", step = " + std::to_string(step));
    }
    if (files_ && config_.save_summary_steps > 0 &&
        (first || step % config_.save_summary_steps == 0)) {
      throw_if_error(files_->events->add_scalar("loss", loss, step));
      write_weight_histograms(step);
    }
    // Alone, the schedule is asked after the step (as it always was); in a
    // group, rank 0 answered during the step.
    if (group_.size() == 1 ? schedule_.should_save(step, internal::now_seconds(config_))
                           : result.chief_vote) {
      save();
    }
  }

  // A histogram of each trainable variable, tagged with its name.
  void write_weight_histograms(int64_t step) {
    for (const nn::Variable* v : session_.model->variables()) {
      if (v->trainable) throw_if_error(files_->events->add_histogram(v->name, v->value, step));
    }
  }

  void log_rate(int64_t step) {
    double now = internal::now_seconds(config_);
    double elapsed = now - rate_time_;
    if (elapsed > 0) {
      double rate = static_cast<double>(step - rate_step_) / elapsed;
      internal::log_line(config_, "global_step/sec: " + format_number(rate));
      if (files_ && config_.save_summary_steps > 0) {
        throw_if_error(
            files_->events->add_scalar("global_step/sec", static_cast<float>(rate), step));
      }
    }
    rate_time_ = now;
    rate_step_ = step;
  }

  // The one place a checkpoint is written: on every rank, each writing its
  // shard (checkpoint_manager.h); rank 0 commits it with its .meta.
  void save() {
    int64_t step = session_.step();
    internal::log_line(config_, "Saving checkpoints for " + std::to_string(step) + " into " +
                                    join_path(dir_, kDefaultCheckpointName) + ".");
    auto commit = [this, step](const auto& tensors) {
      manager_->save(step, tensors,
                     [this](const std::string& prefix) { files_->write_meta(prefix); });
    };
    if (async_) {
      // Training goes on once the variables are copied; the manager is used
      // by one save at a time (save() waits for the previous one).
      async_->save(session_.tensor_refs(), [commit](const NamedTensors& copy) { commit(copy); });
    } else {
      commit(session_.tensor_refs());  // streamed from the variables, no copy
    }
    schedule_.saved(step, internal::now_seconds(config_));
  }

  const std::string& dir_;
  const RunConfig& config_;
  ProcessGroup& group_;
  internal::Session& session_;
  std::optional<internal::ModelDirWriter> files_;  // rank 0's
  std::optional<CheckpointManager> manager_;       // after files_, as it always was
  internal::SaveSchedule schedule_;
  double rate_time_;
  int64_t rate_step_;
  float last_loss_ = 0;
  bool logged_once_ = false;
  // Last member: destroyed first, so a save still in flight (training threw)
  // finishes while the manager and files it uses still exist.
  std::optional<AsyncSaver> async_;
};

}  // namespace

// The whole call holds model_dir's lock (one writer per directory; in a
// group, rank 0 holds it for all); under it, temporaries and leftover
// checkpoints that a killed save or retention left behind are removed
// before the restore.
Estimator& Estimator::train(const data::InputFn& input_fn, TrainOptions options) {
  DirectoryLock lock(model_dir_, "train: model_dir", *config_.file_system, *config_.process_group);
  for (const std::string& line : lock.collect_leftovers()) internal::log_line(config_, line);
  // A model_fn is built on the widths of the features the input yields.
  data::Dataset::Iterator it = input_fn().make_iterator();
  std::optional<data::Batch> first = it.next();
  internal::Session session = internal::open_training_session(
      *definition_, model_dir_, config_, warm_start_, first ? &*first : nullptr);
  int64_t target = target_step(options, session.step());
  if (session.step() >= target) {
    internal::log_line(config_, "Skipping training since max_steps has already saved.");
    return *this;
  }
  TrainLoop loop(*definition_, model_dir_, config_, session);
  loop.run(it, std::move(first), target, options.progress);
  return *this;
}

}  // namespace cairn::estimator
