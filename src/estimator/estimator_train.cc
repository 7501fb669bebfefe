// Estimator::train: the training loop with TensorFlow's hooks folded in
// (checkpoint saver, summary saver, step counter, loss logger, NaN guard).
#include <cmath>
#include <cstdio>
#include <optional>

#include "cairn/checkpoint/async_saver.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/formats/events/event_writer.h"
#include "estimator/model_graph.h"
#include "estimator/save_schedule.h"
#include "estimator/session.h"

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

// The files a train call writes besides checkpoints: graph.pbtxt, the
// MetaGraphDef saved beside each checkpoint, and the event file, which
// starts with the graph and a SessionLog START at the first step this call
// trains (the restored global step + 1, where TensorFlow's SummarySaverHook
// puts it), so TensorBoard drops the points a killed run wrote past the
// checkpoint this call resumes from.
struct ModelDirWriter {
  ModelDirWriter(const ModelSpec& spec, internal::Session& session, const std::string& dir,
                 FileSystem& file_system)
      : fs(file_system),
        graph(build_model_graph(spec, session.variable_infos())),
        meta(build_meta_graph(spec, graph).SerializeAsString()) {
    throw_if_error(fs.create_directories(dir));
    throw_if_error(fs.write_file_atomically(join_path(dir, "graph.pbtxt"), graph_to_pbtxt(graph)));
    events = value_or_throw(EventWriter::create(fs, dir));
    throw_if_error(events->add_graph(graph.SerializeAsString()));
    throw_if_error(events->add_meta_graph(meta));
    throw_if_error(events->add_session_log(SessionLogStatus::kStart, session.step() + 1));
  }
  void write_meta(const std::string& prefix) const {
    throw_if_error(fs.write_file_atomically(checkpoint_meta_path(prefix), meta));
  }

  FileSystem& fs;
  tensorflow::GraphDef graph;
  std::string meta;
  std::unique_ptr<EventWriter> events;
};

class TrainLoop {
 public:
  TrainLoop(const ModelSpec& spec, const std::string& dir, const RunConfig& config,
            internal::Session& session)
      : spec_(spec),
        dir_(dir),
        config_(config),
        session_(session),
        files_(spec, session, dir, *config.file_system),
        manager_({.directory = dir,
                  .max_to_keep = config.keep_checkpoint_max,
                  .keep_checkpoint_every_n_hours = config.keep_checkpoint_every_n_hours,
                  .clock = config.clock},
                 *config.file_system),
        schedule_(config, internal::now_seconds(config)),
        rate_time_(internal::now_seconds(config)),
        rate_step_(session.step()) {
    if (config.async_save) {
      async_.emplace();
      async_->prepare(session_.tensor_refs());  // the first save then only copies
    }
  }

  void run(const data::InputFn& input_fn, int64_t target, Progress* progress) {
    auto it = input_fn().make_iterator();
    const int64_t first = session_.step();
    while (session_.step() < target) {
      std::optional<data::Batch> batch = it.next();
      if (!batch) {
        internal::log_line(config_, "Input exhausted at step " + std::to_string(session_.step()));
        break;
      }
      float loss = step(*batch);
      after_step(loss);
      report_progress(progress, session_.step() - first, target - first, ProgressUnit::kSteps);
    }
    if (schedule_.needs_final_save(session_.step())) save();
    if (async_) async_->wait();  // train() returns only once every save is committed
    internal::log_line(config_, "Loss for final step: " + format_number(last_loss_) + ".");
    throw_if_error(files_.events->flush());
  }

 private:
  float step(const data::Batch& batch) {
    nn::Matrix logits = session_.model->forward(batch.features, /*training=*/true);
    nn::LossResult loss = internal::head_loss(spec_, logits, batch.labels);
    float mean = loss.per_example.mean();
    if (!std::isfinite(mean)) {
      throw InternalError("NaN or infinite loss during training at step " +
                          std::to_string(session_.step() + 1) +
                          "; nothing was saved for this step");
    }
    session_.model->backward(loss.gradient);
    session_.optimizer->apply_gradients(session_.model->variables());
    session_.set_step(session_.step() + 1);
    return mean;
  }

  void after_step(float loss) {
    last_loss_ = loss;
    int64_t step = session_.step();
    bool first = !logged_once_;
    logged_once_ = true;
    if (config_.log_step_count_steps > 0 && (first || step % config_.log_step_count_steps == 0)) {
      if (!first) log_rate(step);
      internal::log_line(config_,
                         "loss = " + format_number(loss) + ", step = " + std::to_string(step));
    }
    if (config_.save_summary_steps > 0 && (first || step % config_.save_summary_steps == 0)) {
      throw_if_error(files_.events->add_scalar("loss", loss, step));
      write_weight_histograms(step);
    }
    double now = internal::now_seconds(config_);
    if (schedule_.should_save(step, now)) save();
  }

  // A histogram of each trainable variable, tagged with its name.
  void write_weight_histograms(int64_t step) {
    for (const nn::Variable* v : session_.model->variables()) {
      if (v->trainable) throw_if_error(files_.events->add_histogram(v->name, v->value, step));
    }
  }

  void log_rate(int64_t step) {
    double now = internal::now_seconds(config_);
    double elapsed = now - rate_time_;
    if (elapsed > 0) {
      double rate = static_cast<double>(step - rate_step_) / elapsed;
      internal::log_line(config_, "global_step/sec: " + format_number(rate));
      if (config_.save_summary_steps > 0) {
        throw_if_error(
            files_.events->add_scalar("global_step/sec", static_cast<float>(rate), step));
      }
    }
    rate_time_ = now;
    rate_step_ = step;
  }

  void save() {
    int64_t step = session_.step();
    internal::log_line(config_, "Saving checkpoints for " + std::to_string(step) + " into " +
                                    join_path(dir_, kDefaultCheckpointName) + ".");
    auto commit = [this, step](const auto& tensors) {
      manager_.save(step, tensors,
                    [this](const std::string& prefix) { files_.write_meta(prefix); });
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

  const ModelSpec& spec_;
  const std::string& dir_;
  const RunConfig& config_;
  internal::Session& session_;
  ModelDirWriter files_;
  CheckpointManager manager_;
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

// The whole call holds model_dir's lock (one writer per directory); under
// it, temporaries and leftover checkpoints that a killed save or retention
// left behind are removed before the restore.
Estimator& Estimator::train(const data::InputFn& input_fn, TrainOptions options) {
  DirectoryLock lock(model_dir_, "train: model_dir", *config_.file_system);
  for (const std::string& line : lock.collect_leftovers()) internal::log_line(config_, line);
  internal::Session session = internal::open_session(spec_, model_dir_, config_,
                                                     {.training = true, .warm_start = warm_start_});
  int64_t target = target_step(options, session.step());
  if (session.step() >= target) {
    internal::log_line(config_, "Skipping training since max_steps has already saved.");
    return *this;
  }
  TrainLoop loop(spec_, model_dir_, config_, session);
  loop.run(input_fn, target, options.progress);
  return *this;
}

}  // namespace cairn::estimator
