// Internal to the estimator layer: what an Estimator asks of the restore
// path (checkpoint/restore.h, which owns the report and the name mapping):
// its variables as targets, and its own facts about checkpoints: how a
// recorded configuration differs from the model's, and which canned model
// wrote a TensorFlow checkpoint.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/estimator/model_spec.h"
#include "cairn/nn/variable.h"

namespace cairn::estimator::internal {

// The restore plan of `variables`: each a required target under
// tf_variable_keys(), or for a warm start under its `name_map` entry.
RestorePlan variable_restore_plan(const nn::VariableRefs& variables,
                                  const std::map<std::string, std::string>& name_map = {});

// Differences that make `recorded` (saved with the checkpoint) incompatible
// with `model`, e.g. "hidden_units: model [20, 20], checkpoint [10, 10]".
std::vector<std::string> compare_specs(const ModelSpec& model, const ModelSpec& recorded);

// A spec for a canned-estimator checkpoint written by TensorFlow, inferred
// from its variable names and shapes; nullopt when it is not recognisable.
std::optional<ModelSpec> infer_spec(const CheckpointReader& reader);

}  // namespace cairn::estimator::internal
