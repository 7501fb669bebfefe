#include "estimator/custom_record.h"

#include <map>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/proto/meta_graph.pb.h"
#include "estimator/custom_definition.h"
#include "estimator/model_graph.h"

namespace cairn::estimator::internal {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The one string of a bytes_list collection, if the MetaGraphDef has it.
std::optional<std::string> collection_value(const tensorflow::MetaGraphDef& meta,
                                            std::string_view name, const std::string& path) {
  auto it = meta.collection_def().find(std::string(name));
  if (it == meta.collection_def().end()) return std::nullopt;
  if (!it->second.has_bytes_list() || it->second.bytes_list().value_size() != 1) {
    throw DataLossError(path + ": collection \"" + std::string(name) +
                        "\" does not hold exactly one value");
  }
  return it->second.bytes_list().value(0);
}

// A layer of a Keras functional config, by name: its class, settings and inputs.
struct RecordedLayer {
  std::string class_name;
  OrderedJson config, inbound;
};

std::map<std::string, RecordedLayer> layers_of(const OrderedJson& record) {
  std::map<std::string, RecordedLayer> out;
  const OrderedJson& model = record.at("model");
  for (const OrderedJson& layer : model.at("layers")) {
    OrderedJson config = layer.at("config");
    const std::string name = layer.value("name", config.value("name", ""));
    out[name] = {layer.at("class_name").get<std::string>(), config,
                 layer.value("inbound_nodes", OrderedJson::array())};
  }
  return out;
}

// "units: model 20, checkpoint 10; activation: ..." for the settings that differ.
std::string setting_diffs(const OrderedJson& model, const OrderedJson& checkpoint) {
  std::string out;
  auto add = [&](const std::string& key, const std::string& m, const std::string& c) {
    out += (out.empty() ? "" : "; ") + key + ": model " + m + ", checkpoint " + c;
  };
  for (const auto& [key, value] : model.items()) {
    if (!checkpoint.contains(key)) {
      add(key, value.dump(), "(none)");
    } else if (checkpoint[key] != value) {
      add(key, value.dump(), checkpoint[key].dump());
    }
  }
  for (const auto& [key, value] : checkpoint.items()) {
    if (!model.contains(key)) add(key, "(none)", value.dump());
  }
  return out;
}

void compare_layers(const OrderedJson& model, const OrderedJson& checkpoint,
                    std::vector<std::string>& diffs) {
  const auto ours = layers_of(model), theirs = layers_of(checkpoint);
  for (const auto& [name, layer] : ours) {
    const std::string label = "layer '" + name + "' (" + layer.class_name + ")";
    auto it = theirs.find(name);
    if (it == theirs.end()) {
      diffs.push_back(label + ": in the model, not in the checkpoint's");
    } else if (it->second.class_name != layer.class_name) {
      diffs.push_back(label + ": the checkpoint's is a " + it->second.class_name);
    } else if (it->second.config != layer.config) {
      diffs.push_back(label + ": " + setting_diffs(layer.config, it->second.config));
    } else if (it->second.inbound != layer.inbound) {
      diffs.push_back(label + ": called on " + layer.inbound.dump() + " in the model, on " +
                      it->second.inbound.dump() + " in the checkpoint's");
    }
  }
  for (const auto& [name, layer] : theirs) {
    if (!ours.count(name)) {
      diffs.push_back("layer '" + name + "' (" + layer.class_name +
                      "): in the checkpoint's model, not in the model");
    }
  }
}

}  // namespace

std::optional<std::string> read_model_record(const std::string& prefix,
                                             const std::optional<std::string>& meta) {
  if (!meta) return std::nullopt;
  const std::string path = checkpoint_meta_path(prefix);
  tensorflow::MetaGraphDef graph;
  if (meta->size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !graph.ParseFromArray(meta->data(), static_cast<int>(meta->size()))) {
    throw DataLossError(path + ": not a valid MetaGraphDef");
  }
  if (auto record = collection_value(graph, kCustomModelCollection, path)) {
    if (!OrderedJson::accept(*record))
      throw DataLossError(path + ": its model_fn record is not JSON");
    return record;
  }
  if (auto spec = collection_value(graph, kModelSpecCollection, path)) {
    std::string type = "a canned estimator";
    if (OrderedJson::accept(*spec)) type = OrderedJson::parse(*spec).value("estimator", type);
    return OrderedJson{{"estimator", type}}.dump();
  }
  return std::nullopt;
}

std::vector<std::string> compare_records(const OrderedJson& model,
                                         const OrderedJson& full_checkpoint) {
  std::vector<std::string> diffs;
  // A PREDICT model is compared with the PREDICT model training recorded.
  const bool predict = model.value("mode", "") == "infer" && full_checkpoint.contains("predict") &&
                       !full_checkpoint["predict"].is_null();
  const OrderedJson& checkpoint = predict ? full_checkpoint["predict"] : full_checkpoint;
  auto differ = [&](const std::string& what, const OrderedJson& m, const OrderedJson& c) {
    if (m != c) diffs.push_back(what + ": model " + m.dump() + ", checkpoint " + c.dump());
  };
  const OrderedJson theirs = checkpoint.value("estimator", OrderedJson("?"));
  if (theirs != model.at("estimator")) {
    diffs.push_back("estimator: model a model_fn's, checkpoint " + theirs.get<std::string>() +
                    "'s");
    return diffs;
  }
  try {
    differ("feature_widths", model.at("feature_widths"), checkpoint.at("feature_widths"));
    differ("label_width", model.at("label_width"), checkpoint.at("label_width"));
    compare_layers(model, checkpoint, diffs);
    if (model.at("head").contains("loss")) {  // a model_fn gives none when predicting
      differ("loss", model.at("head").at("loss"),
             checkpoint.at("head").value("loss", OrderedJson()));
    }
  } catch (const OrderedJson::exception& e) {
    diffs.push_back(std::string("the checkpoint's model_fn record is malformed: ") + e.what());
  }
  return diffs;
}

}  // namespace cairn::estimator::internal
