// A Keras .h5 as checkpoint-keyed tensors and back (h5_weights_file.h).
#include "keras/saving/h5_weights_file.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cairn/checkpoint/restore_names.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/object_graph.h"
#include "cairn/formats/json_limits.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras::internal {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The .h5's strings besides its weights, each under "keras_h5.<field>".
const std::vector<std::pair<std::string, std::string KerasH5File::*>> kH5Strings = {
    {"keras_h5.keras_version", &KerasH5File::keras_version},
    {"keras_h5.backend", &KerasH5File::backend},
    {"keras_h5.model_config", &KerasH5File::model_config},
    {"keras_h5.training_config", &KerasH5File::training_config}};

// The names of a .h5's weights, in its order.
struct H5Names {
  struct Layer {
    std::string name;
    std::vector<std::string> weights;
  };
  std::vector<Layer> layers;
  std::vector<std::string> optimizer;
};

// The checkpoint key of each weight of H5Names, in the same order.
struct H5Keys {
  std::vector<std::vector<std::string>> layers;
  std::vector<std::string> optimizer;
  std::vector<ObjectGraphVariable> graph;
};

// An optimizer weight's key: a slot of the layer weight its name extends
// ("Adam/dense/kernel/m:0" -> slot "m" of "dense/kernel"), else an attribute
// of the optimizer ("Adam/iter:0" -> "optimizer/iter/.ATTRIBUTES/...").
std::string optimizer_key(const std::string& name,
                          const std::map<std::string, std::string>& key_of_weight) {
  const std::string full = without_device_suffix(name);
  const size_t slash = full.find('/');
  const std::string local = slash == std::string::npos ? full : full.substr(slash + 1);
  for (size_t cut = local.rfind('/'); cut != std::string::npos && cut > 0;
       cut = local.rfind('/', cut - 1)) {
    auto it = key_of_weight.find(local.substr(0, cut));
    if (it != key_of_weight.end()) return object_slot_key(it->second, local.substr(cut + 1));
  }
  return object_variable_key("optimizer/" + local);
}

class KeyAssigner {
 public:
  explicit KeyAssigner(const std::string& path) : path_(path) {}

  // `preferred`, or `fallback` when a weight took `preferred` already (the
  // layers of a nested model repeat suffixes such as "kernel").
  std::string claim(const std::string& preferred, const std::string& fallback,
                    const std::string& full_name) {
    const std::string key = used_.count(preferred) ? fallback : preferred;
    if (!used_.insert(key).second) {
      throw InvalidArgumentError(path_ + ": two weights map to the checkpoint key '" + key +
                                 "' (the second is '" + full_name + "')");
    }
    keys_.graph.push_back({key, full_name});
    return key;
  }
  H5Keys& keys() { return keys_; }

 private:
  const std::string& path_;
  std::set<std::string> used_;
  H5Keys keys_;
};

H5Keys keys_of(const H5Names& names, const std::string& path) {
  KeyAssigner assign(path);
  std::map<std::string, std::string> key_of_weight;
  int weighted = 0;
  for (size_t i = 0; i < names.layers.size(); ++i) {
    std::vector<std::string>& keys = assign.keys().layers.emplace_back();
    if (names.layers[i].weights.empty()) continue;
    const std::string object = keras_layer_object(KerasKeyScheme::kLayerWithWeights, i, weighted++);
    for (const std::string& w : names.layers[i].weights) {
      const std::string full = without_device_suffix(w);
      keys.push_back(assign.claim(layer_weight_key(object, w),
                                  object_variable_key(object + "/" + full), full));
      key_of_weight[full] = keys.back();
    }
  }
  for (const std::string& o : names.optimizer) {
    const std::string key = optimizer_key(o, key_of_weight);
    assign.keys().optimizer.push_back(assign.claim(key, key, without_device_suffix(o)));
  }
  return std::move(assign.keys());
}

H5Names names_of(const KerasH5File& file) {
  H5Names names;
  for (const H5LayerWeights& layer : file.layers) {
    H5Names::Layer& l = names.layers.emplace_back(H5Names::Layer{layer.layer_name, {}});
    for (const H5Weight& w : layer.weights) l.weights.push_back(w.name);
  }
  for (const H5Weight& w : file.optimizer_weights) names.optimizer.push_back(w.name);
  return names;
}

std::string names_json(const H5Names& names) {
  OrderedJson layers = OrderedJson::array();
  for (const H5Names::Layer& l : names.layers) {
    layers.push_back({{"name", l.name}, {"weights", l.weights}});
  }
  return OrderedJson{{"layers", layers}, {"optimizer_weights", names.optimizer}}.dump();
}

std::vector<std::string> string_list(const OrderedJson& value, const std::string& what) {
  if (!value.is_array()) throw InvalidArgumentError(what + " is not a list");
  std::vector<std::string> out;
  for (const OrderedJson& v : value) {
    if (!v.is_string()) throw InvalidArgumentError(what + " holds a name that is not a string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

H5Names names_from_json(const std::string& text, const std::string& source) {
  const OrderedJson doc = value_or_throw(parse_untrusted_json(text, source));
  if (!doc.is_object() || !doc.contains("layers") || !doc["layers"].is_array()) {
    throw InvalidArgumentError(source + " has no \"layers\" list");
  }
  H5Names names;
  for (const OrderedJson& l : doc["layers"]) {
    if (!l.is_object() || !l.contains("name") || !l["name"].is_string()) {
      throw InvalidArgumentError(source + " has a layer without a \"name\"");
    }
    const std::string name = l["name"].get<std::string>();
    names.layers.push_back({name, string_list(l.value("weights", OrderedJson::array()),
                                              source + " layer '" + name + "'")});
  }
  names.optimizer = string_list(doc.value("optimizer_weights", OrderedJson::array()), source);
  return names;
}

// Each checkpoint key the object graph names (variables and slots) with its
// full name, in the graph's node order (a layer's kernel before its bias).
std::vector<std::pair<std::string, std::string>> full_names(const WeightsFile& weights,
                                                            const Tensor& graph) {
  if (graph.dtype() != DType::kString || graph.num_elements() != 1) {
    throw DataLossError(weights.path + ": " + std::string(kObjectGraphKey) + " is not a string");
  }
  const ObjectGraph parsed = value_or_throw(parse_object_graph(graph.strings()[0]));
  std::vector<std::pair<std::string, std::string>> out;
  for (const ObjectGraph::Node& node : parsed.nodes) {
    for (const ObjectGraph::Attribute& a : node.attributes) {
      out.emplace_back(a.checkpoint_key, a.full_name);
    }
  }
  return out;
}

// <i> of a layer's own weight key "layer_with_weights-<i>/<name>/.ATTRIBUTES/
// VARIABLE_VALUE" (not a slot), or nullopt. (Parsed by hand: the key comes
// from the file, and std::regex recurses once per character.)
std::optional<int> layer_weight_index(std::string_view key) {
  constexpr std::string_view kPrefix = "layer_with_weights-";
  constexpr std::string_view kSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";
  if (!key.starts_with(kPrefix) || !key.ends_with(kSuffix)) return std::nullopt;
  key = key.substr(kPrefix.size(), key.size() - kPrefix.size() - kSuffix.size());
  const size_t slash = key.find('/');
  if (slash == 0 || slash > 9 || key.find('/', slash + 1) != std::string_view::npos ||
      slash + 1 == key.size()) {
    return std::nullopt;
  }
  int index = 0;
  for (char c : key.substr(0, slash)) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + (c - '0');
  }
  return index;
}

// The .h5 names of a checkpoint tf.keras (or cairn) wrote with save_weights:
// each "layer_with_weights-<i>" weight's full name ("dense/kernel") gives
// its layer ("dense") and .h5 name ("dense/kernel:0"). A weights-only .h5
// holds no optimizer state, so slots and the optimizer's variables stay out.
H5Names names_from_object_graph(const WeightsFile& weights, const Tensor& graph) {
  std::map<int, H5Names::Layer> layers;
  H5Names names;
  for (const auto& [key, full_name] : full_names(weights, graph)) {
    const std::optional<int> index = layer_weight_index(key);
    if (full_name.empty() || !index) continue;
    H5Names::Layer& layer = layers[*index];
    layer.name = full_name.substr(0, full_name.rfind('/'));
    layer.weights.push_back(full_name + ":0");
  }
  for (auto& [index, layer] : layers) names.layers.push_back(std::move(layer));
  return names;
}

}  // namespace

WeightsFile h5_to_weights_file(const KerasH5File& file, const std::string& path) {
  const H5Names names = names_of(file);
  const H5Keys keys = keys_of(names, path);
  WeightsFile out{.path = path};
  for (size_t i = 0; i < file.layers.size(); ++i) {
    for (size_t j = 0; j < file.layers[i].weights.size(); ++j) {
      out.tensors.emplace_back(keys.layers[i][j], file.layers[i].weights[j].value);
    }
  }
  for (size_t i = 0; i < file.optimizer_weights.size(); ++i) {
    out.tensors.emplace_back(keys.optimizer[i], file.optimizer_weights[i].value);
  }
  const ObjectGraph graph = value_or_throw(object_graph_from_variables(keys.graph));
  out.tensors.emplace_back(std::string(kObjectGraphKey),
                           Tensor::from_strings({serialize_object_graph(graph)}, {}));
  std::sort(out.tensors.begin(), out.tensors.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.metadata[std::string(kH5NamesKey)] = names_json(names);
  for (const auto& [key, field] : kH5Strings) {
    if (!(file.*field).empty()) out.metadata[key] = file.*field;
  }
  return out;
}

KerasH5File h5_from_weights_file(const WeightsFile& weights) {
  auto record = weights.metadata.find(std::string(kH5NamesKey));
  auto graph = std::find_if(weights.tensors.begin(), weights.tensors.end(),
                            [](const auto& t) { return t.first == kObjectGraphKey; });
  if (record == weights.metadata.end() && graph != weights.tensors.end()) {
    WeightsFile named = weights;  // the names its object graph records, checked as a record is
    named.metadata[std::string(kH5NamesKey)] =
        names_json(names_from_object_graph(weights, graph->second));
    return h5_from_weights_file(named);
  }
  if (record == weights.metadata.end()) {
    throw UnimplementedError(weights.path +
                             " was not converted from a Keras .h5, so the layer and weight names "
                             "a .h5 needs are unknown; convert the .h5 itself, or a .safetensors "
                             "file converted from it");
  }
  const std::string source = weights.path + ": metadata \"" + record->first + "\"";
  const H5Names names = names_from_json(record->second, source);
  const H5Keys keys = keys_of(names, weights.path);
  std::map<std::string, const Tensor*> by_key;
  for (const auto& [name, tensor] : weights.tensors) by_key[name] = &tensor;
  auto tensor_for = [&](const std::string& key, const std::string& weight) {
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      throw InvalidArgumentError(weights.path + " has no tensor '" + key +
                                 "' for the .h5 weight '" + weight + "'");
    }
    return *it->second;
  };
  KerasH5File file;
  for (const auto& [key, field] : kH5Strings) {
    auto it = weights.metadata.find(key);
    if (it != weights.metadata.end()) file.*field = it->second;
  }
  for (size_t i = 0; i < names.layers.size(); ++i) {
    H5LayerWeights& layer = file.layers.emplace_back(H5LayerWeights{names.layers[i].name, {}});
    for (size_t j = 0; j < names.layers[i].weights.size(); ++j) {
      const std::string& w = names.layers[i].weights[j];
      layer.weights.push_back({w, tensor_for(keys.layers[i][j], w)});
    }
  }
  for (size_t i = 0; i < names.optimizer.size(); ++i) {
    file.optimizer_weights.push_back(
        {names.optimizer[i], tensor_for(keys.optimizer[i], names.optimizer[i])});
  }
  return file;
}

}  // namespace cairn::keras::internal
