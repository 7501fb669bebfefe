#include "estimator/session.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/nn/data_parallel.h"
#include "estimator/model_graph.h"
#include "estimator/variable_restore.h"

namespace cairn::estimator::internal {
namespace {

uint64_t session_seed(const RunConfig& config) {
  if (config.tf_random_seed) return *config.tf_random_seed;
  return (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
}

// Model variables, and when training the optimizer's slots; always global_step.
nn::VariableRefs variables_to_restore(Session& session, bool training) {
  if (training) return session.all_variables();
  nn::VariableRefs variables = session.model->variables();
  variables.push_back(&session.global_step);
  return variables;
}

bool restore_session(Session& session, const ModelDefinition& definition,
                     const std::string& model_dir, const RunConfig& config, bool training) {
  const nn::VariableRefs variables = variables_to_restore(session, training);
  auto planner = [&](const CheckpointToRestore& checkpoint) {
    RestorePlan plan = variable_restore_plan(variables);
    if (auto recorded = definition.recorded(checkpoint.prefix, checkpoint.meta)) {
      plan.config_diffs = definition.compare(*session.model, *recorded);
    }
    plan.unused_is_error = [&](const std::string& key) {
      return definition.unused_is_error(key, variables);
    };
    return plan;
  };
  std::optional<Restored> restored = restore_from_model_dir(model_dir, config, planner);
  if (!restored) return false;
  log_line(config, "Restoring parameters from " + restored->prefix);
  session.restored_from = restored->prefix;
  return true;
}

void warm_start(Session& session, const WarmStartSettings& settings, const RunConfig& config) {
  const nn::VariableRefs variables = session.model->variables();
  auto planner = [&](const CheckpointToRestore&) {
    return variable_restore_plan(variables, settings.var_name_to_prev_var_name);
  };
  Restored restored = restore_checkpoint(settings.checkpoint, planner, *config.file_system);
  log_line(config, "Warm-starting from " + restored.prefix);
}

// The model (and optimizer) of `definition`, initialised, not restored.
Session new_session(const ModelDefinition& definition, const std::string& model_dir,
                    const RunConfig& config, const SessionOptions& options) {
  std::optional<std::string> recorded;
  if (options.first_batch == nullptr && definition.builds_from_recorded_widths()) {
    recorded = newest_recorded(definition, model_dir, config);
  }
  Session session;
  session.model = definition.build({.mode = options.training ? ModeKeys::kTrain : options.mode,
                                    .first_batch = options.first_batch,
                                    .recorded = recorded ? &*recorded : nullptr,
                                    .seed = session_seed(config)});
  if (options.training) {
    session.optimizer = definition.make_optimizer(*session.model);
    session.optimizer->build(session.model->variables());
  }
  return session;
}

}  // namespace

std::optional<std::string> newest_recorded(const ModelDefinition& definition,
                                           const std::string& model_dir, const RunConfig& config) {
  std::optional<std::string> recorded;
  auto learn = [&](const CheckpointToRestore& checkpoint) {
    recorded = definition.recorded(checkpoint.prefix, checkpoint.meta);
    return RestorePlan{};
  };
  restore_from_model_dir(model_dir, config, learn);
  return recorded;
}

void log_line(const RunConfig& config, const std::string& message) {
  if (!config.process_group->is_chief()) return;  // one log for the job: rank 0's
  if (config.log) {
    config.log(message);
  } else {
    std::cerr << kDefaultLogPrefix << message << std::endl;
  }
}

double now_seconds(const RunConfig& config) {
  if (config.clock) return config.clock();
  using std::chrono::duration;
  using std::chrono::system_clock;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

nn::VariableRefs Session::all_variables() {
  nn::VariableRefs refs = model->variables();
  if (optimizer) {
    for (nn::Variable* v : optimizer->variables()) refs.push_back(v);
  }
  refs.push_back(&global_step);
  return refs;
}

NamedTensors Session::named_tensors() {
  NamedTensors out;
  for (const auto& [name, tensor] : tensor_refs()) out.emplace_back(name, *tensor);
  return out;
}

NamedTensorRefs Session::tensor_refs() {
  NamedTensorRefs out;
  for (nn::Variable* v : all_variables()) out.emplace_back(v->name, &v->value);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::vector<VariableInfo> Session::variable_infos() {
  std::vector<VariableInfo> out;
  for (const auto& [name, tensor] : named_tensors()) {
    out.push_back({name, tensor.dtype(), tensor.shape()});
  }
  return out;
}

std::optional<ModelSpec> recorded_spec(const std::string& prefix,
                                       const std::optional<std::string>& meta) {
  if (!meta) return std::nullopt;
  Result<ModelSpec> spec = read_model_spec_from_meta(*meta, checkpoint_meta_path(prefix));
  if (!spec.ok() && spec.status().code() == StatusCode::kNotFound) return std::nullopt;
  return value_or_throw(std::move(spec));
}

std::optional<Restored> restore_from_model_dir(const std::string& model_dir,
                                               const RunConfig& config,
                                               const RestorePlanner& planner) {
  FileSystem& fs = *config.file_system;
  if (!fs.is_directory(model_dir)) return std::nullopt;
  std::optional<Restored> restored = restore_newest(
      model_dir, planner, {.fail_on_damaged = config.fail_on_damaged_checkpoint}, fs);
  if (!restored) return std::nullopt;
  for (const std::string& why : restored->skipped) {
    log_line(config, "WARNING: checkpoint " + why + "; restoring " + restored->prefix + " instead");
  }
  return restored;
}

Session open_session(const ModelDefinition& definition, const std::string& model_dir,
                     const RunConfig& config, const SessionOptions& options) {
  Session session = new_session(definition, model_dir, config, options);
  if (restore_session(session, definition, model_dir, config, options.training)) return session;
  if (!options.training) {
    throw NotFoundError("no checkpoint in model_dir " + model_dir +
                        ": train the model first (evaluate and predict restore the newest "
                        "checkpoint listed in its `checkpoint` file)");
  }
  if (options.warm_start) warm_start(session, *options.warm_start, config);
  return session;
}

Session open_session(const ModelSpec& spec, const std::string& model_dir, const RunConfig& config,
                     const SessionOptions& options) {
  return open_session(*canned_definition(spec), model_dir, config, options);
}

Session open_training_session(const ModelDefinition& definition, const std::string& model_dir,
                              const RunConfig& config,
                              const std::optional<WarmStartSettings>& warm_start,
                              const data::Batch* first_batch) {
  const SessionOptions options{
      .training = true, .warm_start = warm_start, .first_batch = first_batch};
  ProcessGroup& group = *config.process_group;
  if (group.size() == 1) return open_session(definition, model_dir, config, options);
  Session session;
  run_and_agree(
      group,
      [&] {
        session = group.is_chief() ? open_session(definition, model_dir, config, options)
                                   : new_session(definition, model_dir, config, options);
      },
      "train: rank 0 opening " + model_dir);
  nn::broadcast_values(group, session.all_variables(), "train: rank 0's initial variables");
  return session;
}

}  // namespace cairn::estimator::internal
