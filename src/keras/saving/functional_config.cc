// A functional Model's Keras config, written as tf.keras 2.x writes it and
// read from Keras 2.1 to 3:
//
//   {"name": "model",
//    "layers": [{"class_name": "InputLayer", "config": {...}, "name": "a", "inbound_nodes": []},
//               {"class_name": "Dense", "config": {...}, "name": "d",
//                "inbound_nodes": [[["a", 0, 0, {}]]]}, ...],      // Keras 2: [layer, call,
//                tensor, kwargs]
//    "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0]]}
//
// Keras 3 writes each call as {"args": [<tensor or list of tensors>], "kwargs": {}}, a tensor
// being {"class_name": "__keras_tensor__", "config": {"keras_history": [layer, call, tensor]}},
// and a single input or output as a flat ["a", 0, 0].
#include <map>
#include <set>

#include "cairn/core/errors.h"
#include "cairn/keras/model.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/layer_factory.h"
#include "keras/model_graph.h"

namespace cairn::keras {

namespace {

// The most layer calls a config may hold: far above real models (a
// ResNet-152 makes about 600), and low enough that the chain of symbolic
// tensors a config builds can be released without exhausting the stack.
constexpr size_t kMaxCalls = 10000;

// (layer name, call index).
using TensorRef = std::pair<std::string, int64_t>;

[[noreturn]] void bad_config(const std::string& what) {
  throw InvalidArgumentError("functional model config: " + what);
}

TensorRef tensor_ref(const Json& history, const std::string& where) {
  if (!history.is_array() || history.size() < 2 || !history[0].is_string() ||
      !history[1].is_number_integer()) {
    bad_config(where + ": expected [layer name, node index, tensor index], got " + history.dump());
  }
  if (history.size() > 2 && history[2].is_number_integer() && history[2].get<int64_t>() != 0) {
    bad_config(where + ": tensor index " + history[2].dump() +
               " (cairn's layers have one output each)");
  }
  return {history[0].get<std::string>(), history[1].get<int64_t>()};
}

// Keras 3: every keras_history inside a call's args, in order.
void keras3_refs(const Json& value, const std::string& where, std::vector<TensorRef>& out) {
  if (value.is_array()) {
    for (const Json& v : value) keras3_refs(v, where, out);
  } else if (value.is_object() && value.value("class_name", "") == "__keras_tensor__") {
    const Json& config = value.contains("config") ? value["config"] : Json::object();
    if (!config.is_object() || !config.contains("keras_history")) {
      bad_config(where + ": a tensor without keras_history");
    }
    out.push_back(tensor_ref(config["keras_history"], where));
  }
}

// The tensors one call of a layer reads, from either spelling.
std::vector<TensorRef> call_inputs(const Json& node, const std::string& where) {
  std::vector<TensorRef> refs;
  if (node.is_object()) {
    if (!node.contains("args")) bad_config(where + ": a call without args");
    keras3_refs(node["args"], where, refs);
    // An RNN's states come after its input (ModelGraph: [x, h0, c0]).
    if (node.contains("kwargs") && node["kwargs"].is_object() &&
        node["kwargs"].contains("initial_state")) {
      keras3_refs(node["kwargs"]["initial_state"], where, refs);
    }
  } else if (node.is_array()) {
    for (const Json& entry : node) refs.push_back(tensor_ref(entry, where));
  } else {
    bad_config(where + ": a call must be a list or an object, got " + node.dump());
  }
  return refs;
}

// ["a", 0, 0] or [["a", 0, 0], ...] -> refs.
std::vector<TensorRef> endpoint_refs(const Json& list, const std::string& key) {
  if (!list.is_array() || list.empty()) bad_config("'" + key + "' must be a non-empty list");
  if (list[0].is_string()) return {tensor_ref(list, key)};
  std::vector<TensorRef> refs;
  for (const Json& entry : list) refs.push_back(tensor_ref(entry, key));
  return refs;
}

const Json& field(const Json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) bad_config(where + " has no '" + key + "'");
  return object[key];
}

std::string string_field(const Json& object, const char* key, const std::string& where,
                         const std::string& fallback) {
  if (!object.is_object() || !object.contains(key)) return fallback;
  if (!object[key].is_string()) bad_config(where + ": '" + key + "' must be a string");
  return object[key].get<std::string>();
}

}  // namespace

Json Model::get_config() const {
  const internal::ModelGraph& graph = *graph_;
  Json layers = Json::array();
  for (const LayerPtr& layer : graph.layers()) {
    Json calls = Json::array();
    for (size_t n : graph.nodes_of(*layer)) {
      Json inputs = Json::array();
      for (size_t in : graph.nodes()[n].inputs) {
        const internal::GraphNode& from = graph.nodes()[in];
        inputs.push_back(Json::array({from.layer->name(), from.call_index, 0, Json::object()}));
      }
      if (!inputs.empty()) calls.push_back(std::move(inputs));
    }
    layers.push_back(Json{{"class_name", layer->class_name()},
                          {"config", layer->config()},
                          {"name", layer->name()},
                          {"inbound_nodes", std::move(calls)}});
  }
  auto endpoints = [&](const std::vector<size_t>& nodes) {
    Json list = Json::array();
    for (size_t n : nodes) {
      list.push_back(Json::array({graph.nodes()[n].layer->name(), graph.nodes()[n].call_index, 0}));
    }
    return list;
  };
  return Json{{"name", name_},
              {"layers", std::move(layers)},
              {"input_layers", endpoints(graph.input_nodes())},
              {"output_layers", endpoints(graph.output_nodes())}};
}

Model Model::from_config(const Json& config, int64_t max_parameters) {
  const Json& layers = field(config, "layers", "the config");
  if (!layers.is_array()) bad_config("'layers' must be a list");
  // Each layer's calls are made once the tensors they read exist (Keras
  // re-queues calls the same way), so the layers may come in any order.
  std::map<std::string, LayerPtr> by_name;
  std::map<TensorRef, KerasTensor> tensors;
  std::vector<std::pair<std::string, Json>> pending;  // (layer, its call), in order
  for (const Json& entry : layers) {
    const std::string class_name = string_field(entry, "class_name", "a layer", "");
    if (class_name.empty()) bad_config("a layer has no 'class_name'");
    const Json& layer_config = field(entry, "config", "layer of class " + class_name);
    LayerPtr layer = internal::layer_from_config(class_name, layer_config);
    const std::string name =
        string_field(entry, "name", "layer '" + layer->name() + "'", layer->name());
    if (name != layer->name()) {
      bad_config("layer '" + name + "' has the name '" + layer->name() + "' in its config");
    }
    if (!by_name.emplace(name, layer).second) bad_config("two layers are named '" + name + "'");
    if (class_name == "InputLayer") {
      tensors.emplace(TensorRef{name, 0}, internal::call_layer(layer, {}));
      continue;
    }
    const Json& calls = field(entry, "inbound_nodes", "layer '" + name + "'");
    if (!calls.is_array()) bad_config("layer '" + name + "': 'inbound_nodes' must be a list");
    for (const Json& call : calls) pending.emplace_back(name, call);
  }
  if (pending.size() + by_name.size() > kMaxCalls) {
    bad_config("it makes " + std::to_string(pending.size() + by_name.size()) +
               " layer calls; at most " + std::to_string(kMaxCalls) + " are read");
  }
  std::map<std::string, int64_t> calls_made;
  while (!pending.empty()) {
    std::vector<std::pair<std::string, Json>> later;
    std::set<std::string> waiting;  // a layer's calls are made in their order
    for (auto& [name, call] : pending) {
      const std::vector<TensorRef> refs = call_inputs(call, "layer '" + name + "'");
      if (refs.empty()) bad_config("layer '" + name + "' has a call on no tensors");
      std::vector<KerasTensor> inputs;
      for (const TensorRef& ref : refs) {
        auto it = tensors.find(ref);
        if (it != tensors.end()) inputs.push_back(it->second);
      }
      if (inputs.size() != refs.size() || waiting.count(name) > 0) {
        waiting.insert(name);
        later.emplace_back(name, call);
        continue;
      }
      const TensorRef made{name, calls_made[name]++};
      tensors.emplace(made, internal::call_layer(by_name.at(name), std::move(inputs)));
    }
    if (later.size() == pending.size()) {
      bad_config("layer '" + later[0].first +
                 "' reads a tensor no layer makes: " + later[0].second.dump());
    }
    pending = std::move(later);
  }
  auto resolve = [&](const char* key) {
    std::vector<KerasTensor> out;
    for (const TensorRef& ref : endpoint_refs(field(config, key, "the config"), key)) {
      auto it = tensors.find(ref);
      if (it == tensors.end()) {
        bad_config("'" + std::string(key) + "' names " + ref.first + "[" +
                   std::to_string(ref.second) + "], which no layer makes");
      }
      out.push_back(it->second);
    }
    return out;
  };
  return Model(resolve("input_layers"), resolve("output_layers"),
               string_field(config, "name", "the config", ""), max_parameters);
}

}  // namespace cairn::keras
