// Internal to the estimator layer: the model, optimizer and global step of
// one train/evaluate/predict call, built from its ModelDefinition (a canned
// ModelSpec or a model_fn) and initialised from the newest checkpoint of the
// model directory (or a warm start).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/estimator/estimator.h"
#include "cairn/optim/optimizer.h"
#include "estimator/network.h"

namespace cairn::estimator::internal {

// Log lines go to config.log, or to stderr as TensorFlow prints them.
void log_line(const RunConfig& config, const std::string& message);

// Seconds since the epoch from config.clock or the system clock.
double now_seconds(const RunConfig& config);

struct Session {
  std::unique_ptr<Network> model;
  std::unique_ptr<optim::Optimizer> optimizer;  // training only
  nn::Variable global_step{"global_step", Tensor::scalar<int64_t>(0), false, Tensor()};
  std::optional<std::string> restored_from;

  int64_t step() const { return global_step.value.flat<int64_t>()[0]; }
  void set_step(int64_t s) { global_step.value.flat<int64_t>()[0] = s; }
  // Model variables, then optimizer slots, then global_step.
  nn::VariableRefs all_variables();
  // What a checkpoint of this session holds, sorted by name.
  NamedTensors named_tensors();
  // The same tensors in place (valid while the session lives and is not trained).
  NamedTensorRefs tensor_refs();
  std::vector<VariableInfo> variable_infos();
};

struct SessionOptions {
  bool training = false;
  std::optional<WarmStartSettings> warm_start;
  ModeKeys mode = ModeKeys::kPredict;  // kTrain when training
  // The call's first batch (a model_fn's feature widths), or nullptr: the
  // widths recorded with the newest checkpoint.
  const data::Batch* first_batch = nullptr;
};

// Restores `planner`'s plan from the newest checkpoint of model_dir whose
// targets all read back with matching checksums (restore_newest), logging a
// warning about each damaged newer one; nullopt when there is none.
// DataLossError when all are damaged or config.fail_on_damaged_checkpoint
// forbids skipping. An empty plan just opens the newest checkpoint (index
// and .meta), e.g. to learn which model wrote it.
std::optional<Restored> restore_from_model_dir(const std::string& model_dir,
                                               const RunConfig& config,
                                               const RestorePlanner& planner);

// Builds the session and restores it; throws NotFoundError when evaluating
// or predicting without a checkpoint, InvalidArgumentError (the full
// compatibility report) when the checkpoint does not fit the model.
Session open_session(const ModelDefinition& definition, const std::string& model_dir,
                     const RunConfig& config, const SessionOptions& options);
// The same for a canned model.
Session open_session(const ModelSpec& spec, const std::string& model_dir, const RunConfig& config,
                     const SessionOptions& options);

// The session of a train() call on every rank of config.process_group:
// rank 0 opens it as open_session does (restore, or initialise and warm
// start) while the others build the same model without reading model_dir,
// then rank 0's variables (model, optimizer slots, global step) are copied
// to every rank, so unseeded initialisations agree. What rank 0's open threw
// is thrown on every rank.
Session open_training_session(const ModelDefinition& definition, const std::string& model_dir,
                              const RunConfig& config,
                              const std::optional<WarmStartSettings>& warm_start,
                              const data::Batch* first_batch);

// What the newest checkpoint of model_dir recorded about its model
// (ModelDefinition::recorded), read from its index and .meta alone.
std::optional<std::string> newest_recorded(const ModelDefinition& definition,
                                           const std::string& model_dir, const RunConfig& config);

// The configuration recorded in a checkpoint's .meta (its bytes), if cairn wrote it.
std::optional<ModelSpec> recorded_spec(const std::string& prefix,
                                       const std::optional<std::string>& meta);

}  // namespace cairn::estimator::internal
