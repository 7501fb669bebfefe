// Internal to the estimator layer: the ModelDefinition of a model_fn, and of
// the model a model_fn built as recorded beside its checkpoints (so
// from_model_dir evaluates and serves it without the model_fn).
//
// The record (JSON, the one value of the .meta collection
// kCustomModelCollection):
//   {"estimator": "Estimator",
//    "feature_widths": {"x": 784}, "label_width": 1,
//    "inputs": [["x"]],                 // per Keras input: the features it concatenates
//    "column_order": ["x"],             // the features' declared (CSV) order, if given
//    "model": {Keras 2 functional config}, "head": CustomHead::to_json(),
//    "mode": "train",                   // the mode whose model this is
//    "predict": {the same for the model the model_fn builds in PREDICT}}
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cairn/estimator/model_fn.h"
#include "estimator/network.h"

namespace cairn::estimator::internal {

// ModelDefinition::kind() of a model_fn's estimator.
inline constexpr char kModelFnKind[] = "Estimator";
inline constexpr std::string_view kCustomModelCollection = "cairn_custom_model";

// `columns`: the features' declared order (EstimatorOptions::feature_columns).
std::shared_ptr<const ModelDefinition> model_fn_definition(
    ModelFn model_fn, Params params, std::vector<data::NumericColumn> columns);

// The model of a record (the layout above): from_model_dir's, or a Keras
// model's (model_to_estimator). `source` names where it came from.
std::shared_ptr<const ModelDefinition> recorded_definition(nlohmann::ordered_json record,
                                                           std::string source);

// The model recorded in a checkpoint's .meta, or nullptr when it records
// none (a canned model's, or TensorFlow's). DataLossError naming the file
// for a record that does not parse.
std::shared_ptr<const ModelDefinition> recorded_model_fn_definition(
    const std::string& prefix, const std::optional<std::string>& meta);

}  // namespace cairn::estimator::internal
