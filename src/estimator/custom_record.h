// Internal to the estimator layer: the record of a model_fn's model in a
// checkpoint's .meta (custom_definition.h has its layout), read back, and two
// records compared for the incompatibility report.
//
//   std::optional<std::string> text = read_model_record(prefix, meta);
//   std::vector<std::string> diffs = compare_records(model_record, OrderedJson::parse(*text));
//   // {"layer 'dense_1' (Dense): units: model 20, checkpoint 10", ...}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cairn::estimator::internal {

// The record in a serialized MetaGraphDef (`meta`; nullopt: no .meta): the
// model_fn record, or for a canned estimator's {"estimator": "<its type>"};
// nullopt when it records neither (TensorFlow wrote it). DataLossError
// naming PREFIX.meta when the bytes or the record do not parse.
std::optional<std::string> read_model_record(const std::string& prefix,
                                             const std::optional<std::string>& meta);

// What makes a checkpoint recorded as `checkpoint` unfit for the model
// recorded as `model`: another estimator, other feature or label widths,
// layers added, removed, of another class or with other settings (each
// setting named with both values), other wiring, another loss. A PREDICT
// model ("mode": "infer") is compared with the checkpoint's "predict" record
// when it has one.
std::vector<std::string> compare_records(const nlohmann::ordered_json& model,
                                         const nlohmann::ordered_json& checkpoint);

}  // namespace cairn::estimator::internal
