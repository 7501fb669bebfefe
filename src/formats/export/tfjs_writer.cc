// Writes an InferenceModel as a TensorFlow.js layers model, the format
// tensorflowjs_converter makes from a Keras model and tf.loadLayersModel reads.
//
// Layout of the model directory:
//   model.json  {"format": "layers-model",
//                "generatedBy": "cairn; keras v2.4.0", "convertedBy": "cairn",
//                "modelTopology": the Keras model config, {"class_name": "Sequential",
//                                 "config": {...}, "keras_version": ..., "backend": ...},
//                "weightsManifest": [{"paths": ["group1-shard1of1.bin"],
//                                     "weights": [{"name": "dense/kernel", "shape": [4, 10],
//                                                  "dtype": "float32"}, ...]}],
//                "userDefinedMetadata": {"cairn": {"outputs": [{"name", "kind"}, ...],
//                                        "binary_head", "feature_names", "feature_widths"}}}
//   group1-shard1of1.bin  every weight's float32 little-endian bytes, row-major,
//                         one after another in manifest order, no padding
// tfjs-layers gives each loaded weight to the layer variable whose original
// name is the manifest's ("<layer name>/kernel", "lstm/recurrent_kernel",
// "bidirectional/forward_lstm/bias", see tfjs_layers.h), so each step with
// weights is named as its layer in the topology; the manifest order does not
// matter. Every layer TF.js has is exported (kLayer steps included); a layer
// or option it lacks is UNIMPLEMENTED, naming the layer.
#include <bit>
#include <nlohmann/json.hpp>
#include <set>

#include "cairn/formats/export/tfjs_model.h"
#include "cairn/formats/json_limits.h"
#include "formats/export/inference_model_checks.h"
#include "formats/export/keras_config_layers.h"
#include "formats/export/tfjs_layers.h"

namespace cairn {
namespace {

using Json = nlohmann::json;

static_assert(std::endian::native == std::endian::little, "shards hold little-endian floats");

constexpr const char* kShardName = "group1-shard1of1.bin";

// The Keras config rewritten for tfjs (tfjs_layers.h), after checking every
// step with weights has a layer of its name in it.
Result<Json> tfjs_topology(const InferenceModel& model) {
  const std::string not_sequential =
      "model '" + model.name +
      "': keras_model_config is not a Keras Sequential or functional config";
  Result<Json> parsed = parse_untrusted_json<Json>(model.keras_model_config, "it");
  if (!parsed.ok())
    return invalid_argument_error(not_sequential + ": " + parsed.status().message());
  Json topology = std::move(*parsed);
  Json* layers = internal::keras_config_layers(topology);
  if (layers == nullptr) return invalid_argument_error(not_sequential);
  internal::rewrite_keras3_config(topology["config"]);
  std::set<std::string> names;
  for (Json& layer : *layers) {
    CAIRN_RETURN_IF_ERROR(internal::tfjs_layer_config(layer));
    if (!layer.is_object() || !layer.contains("config")) continue;
    const Json& name = layer["config"].value("name", Json());
    if (name.is_string()) names.insert(name.get<std::string>());
  }
  for (const InferenceStep& step : model.steps) {
    const bool has_weights = step.kind == InferenceStep::Kind::kDense || !step.weights.empty();
    if (has_weights && !names.contains(step.name)) {
      return invalid_argument_error("layer '" + step.name +
                                    "' has no layer of that name in keras_model_config");
    }
  }
  return topology;
}

void add_weight(const std::string& name, const Tensor& t, Json& specs, std::string& shard) {
  specs.push_back({{"name", name}, {"shape", t.shape().dims()}, {"dtype", "float32"}});
  shard.append(reinterpret_cast<const char*>(t.data()), t.byte_size());
}

std::string_view output_kind_name(InferenceOutput::Kind kind) {
  switch (kind) {
    case InferenceOutput::Kind::kActivations:
      return "activations";
    case InferenceOutput::Kind::kLogits:
      return "logits";
    case InferenceOutput::Kind::kProbabilities:
      return "probabilities";
    case InferenceOutput::Kind::kLogistic:
      return "logistic";
    case InferenceOutput::Kind::kClassIds:
      return "class_ids";
  }
  return "unknown";
}

Json user_metadata(const InferenceModel& model) {
  Json outputs = Json::array();
  for (const InferenceOutput& out : model.outputs) {
    outputs.push_back({{"name", out.name}, {"kind", output_kind_name(out.kind)}});
  }
  return {{"cairn",
           {{"outputs", outputs},
            {"binary_head", model.binary_head},
            {"feature_names", model.feature_names},
            {"feature_widths", model.feature_widths}}}};
}

std::string generated_by(const Json& topology) {
  const Json& version = topology.value("keras_version", Json());
  return version.is_string() ? "cairn; keras v" + version.get<std::string>() : "cairn";
}

// model.json's text and the shard's bytes.
Status build_files(const InferenceModel& model, std::string& model_json, std::string& shard) {
  CAIRN_RETURN_IF_ERROR(internal::check_inference_model(model).status());
  CAIRN_ASSIGN_OR_RETURN(Json topology, tfjs_topology(model));
  Json specs = Json::array();
  for (const InferenceStep& step : model.steps) {
    for (const InferenceWeight& w : step.weights) {
      CAIRN_ASSIGN_OR_RETURN(std::string name,
                             internal::tfjs_weight_name(step.class_name, step.name, w.name));
      add_weight(name, w.value, specs, shard);
    }
    if (step.kind != InferenceStep::Kind::kDense) continue;
    add_weight(step.name + "/kernel", step.kernel, specs, shard);
    if (step.has_bias()) add_weight(step.name + "/bias", step.bias, specs, shard);
  }
  const Json manifest = Json::array({{{"paths", {kShardName}}, {"weights", specs}}});
  model_json = Json{{"format", "layers-model"},    {"generatedBy", generated_by(topology)},
                    {"convertedBy", "cairn"},      {"modelTopology", topology},
                    {"weightsManifest", manifest}, {"userDefinedMetadata", user_metadata(model)}}
                   .dump();
  return ok_status();
}

}  // namespace

Status write_tfjs_model(FileSystem& fs, const std::string& dir, const InferenceModel& model) {
  std::string model_json, shard;
  try {
    CAIRN_RETURN_IF_ERROR(build_files(model, model_json, shard).with_context(dir));
  } catch (const Json::exception& e) {  // a config value of an unexpected JSON type
    return invalid_argument_error(dir + ": model '" + model.name +
                                  "': keras_model_config: " + e.what());
  }
  CAIRN_RETURN_IF_ERROR(fs.create_directories(dir));
  CAIRN_RETURN_IF_ERROR(fs.write_file_atomically(join_path(dir, kShardName), shard));
  return fs.write_file_atomically(join_path(dir, "model.json"), model_json);
}

}  // namespace cairn
