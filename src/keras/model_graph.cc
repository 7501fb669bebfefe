// A functional model's graph: from symbolic tensors to ordered nodes
// (construction, Keras's layer order, build). The passes are in
// model_graph_run.cc.
#include "keras/model_graph.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras::internal {

namespace {

bool is_input(const Layer& layer) { return layer.class_name() == "InputLayer"; }

}  // namespace

ModelGraph::ModelGraph(const std::vector<KerasTensor>& inputs,
                       const std::vector<KerasTensor>& outputs, const std::string& model_name) {
  if (inputs.empty() || outputs.empty()) {
    throw InvalidArgumentError("model '" + model_name + "' needs at least one input and output");
  }
  std::map<const Node*, size_t> seen;
  std::map<std::string, LayerPtr> by_name;
  std::vector<LayerPtr> first_seen;  // Keras's traversal order (layer_indices)
  for (const KerasTensor& out : outputs) {
    outputs_.push_back(add_node(out.node(), model_name, seen, by_name));
  }
  for (const LayerPtr& layer : layers_) first_seen.push_back(layer);
  for (const KerasTensor& in : inputs) {
    if (!is_input(*in.node().layer)) {
      throw InvalidArgumentError("model '" + model_name + "': input '" + in.name() +
                                 "' is not a keras::Input but the output of a " +
                                 in.node().layer->class_name());
    }
    auto it = seen.find(&in.node());
    // An input no output reads is still an input (Keras's disconnected inputs).
    inputs_.push_back(it != seen.end() ? it->second
                                       : add_node(in.node(), model_name, seen, by_name));
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (is_input(*nodes_[i].layer) &&
        std::find(inputs_.begin(), inputs_.end(), i) == inputs_.end()) {
      throw InvalidArgumentError("model '" + model_name + "': its outputs depend on Input '" +
                                 nodes_[i].layer->name() + "', which is not one of its inputs");
    }
  }
  order_layers(first_seen);
}

size_t ModelGraph::add_node(const Node& root, const std::string& model_name,
                            std::map<const Node*, size_t>& seen,
                            std::map<std::string, LayerPtr>& by_name) {
  if (auto it = seen.find(&root); it != seen.end()) return it->second;
  // Depth first with an explicit stack (a config from a file may chain any
  // number of layers): a node's layer is met before its inputs (Keras's
  // traversal order), the node is added after them.
  struct Frame {
    const Node* node;
    GraphNode graph_node;
    size_t next_input = 0;
  };
  std::vector<Frame> stack;
  stack.push_back({&root, enter(root, model_name, by_name)});
  size_t index = 0;
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next_input < top.node->inputs.size()) {
      const Node& in = top.node->inputs[top.next_input++].node();
      if (auto it = seen.find(&in); it != seen.end()) {
        top.graph_node.inputs.push_back(it->second);
      } else {
        stack.push_back({&in, enter(in, model_name, by_name)});
      }
      continue;
    }
    nodes_.push_back(std::move(top.graph_node));
    index = nodes_.size() - 1;
    seen[top.node] = index;
    stack.pop_back();
    if (!stack.empty()) stack.back().graph_node.inputs.push_back(index);
  }
  return index;
}

GraphNode ModelGraph::enter(const Node& node, const std::string& model_name,
                            std::map<std::string, LayerPtr>& by_name) {
  const std::string& name = node.layer->name();
  auto [it, fresh] = by_name.emplace(name, node.layer);
  if (fresh) {
    layers_.push_back(node.layer);
  } else if (it->second.get() != node.layer.get() &&
             (it->second->class_name() != node.layer->class_name() ||
              it->second->config() != node.layer->config())) {
    throw InvalidArgumentError("model '" + model_name + "': two different layers are named '" +
                               name + "'; layer names must be unique");
  }
  GraphNode g;
  g.layer = it->second.get();
  g.merge = dynamic_cast<Merge*>(g.layer);
  g.recurrent = dynamic_cast<RecurrentLayer*>(g.layer);
  if (g.merge == nullptr && g.recurrent == nullptr && node.inputs.size() > 1) {
    throw InvalidArgumentError("model '" + model_name + "': layer '" + name + "' (" +
                               g.layer->class_name() + ") takes one input, called on " +
                               std::to_string(node.inputs.size()));
  }
  g.call_id = node.id;
  return g;
}

void ModelGraph::order_layers(const std::vector<LayerPtr>& first_seen) {
  // Keras's _map_graph_network: depths from the outputs (a node is deeper
  // than every node reading it, a layer as deep as its deepest call), then
  // layers deepest first, ties in traversal order.
  std::vector<int> node_depth(nodes_.size(), 0);
  std::map<const Layer*, int> layer_depth;
  for (size_t i = nodes_.size(); i-- > 0;) {
    int& depth_of_layer = layer_depth[nodes_[i].layer];
    const int depth = std::max(node_depth[i], depth_of_layer);
    depth_of_layer = depth;
    node_depth[i] = depth;
    for (size_t in : nodes_[i].inputs) node_depth[in] = std::max(node_depth[in], depth + 1);
  }
  std::map<const Layer*, size_t> traversal;
  for (size_t i = 0; i < first_seen.size(); ++i) traversal[first_seen[i].get()] = i + 1;
  std::stable_sort(layers_.begin(), layers_.end(), [&](const LayerPtr& a, const LayerPtr& b) {
    const int da = layer_depth[a.get()], db = layer_depth[b.get()];
    if (da != db) return da > db;
    return traversal[a.get()] < traversal[b.get()];  // disconnected inputs (0) first
  });
  // Each node's rank among its layer's calls, in call order.
  for (const LayerPtr& layer : layers_) {
    std::vector<size_t> calls = nodes_of(*layer);
    std::vector<std::pair<uint64_t, size_t>> by_id;
    for (size_t i : calls) by_id.emplace_back(nodes_[i].call_id, i);
    std::sort(by_id.begin(), by_id.end());
    for (size_t k = 0; k < by_id.size(); ++k) {
      nodes_[by_id[k].second].call_index = static_cast<int>(k);
      nodes_[by_id[k].second].shared = by_id.size() > 1;
    }
  }
}

std::vector<size_t> ModelGraph::nodes_of(const Layer& layer) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].layer == &layer) out.push_back(i);
  }
  std::sort(out.begin(), out.end(),
            [&](size_t a, size_t b) { return nodes_[a].call_id < nodes_[b].call_id; });
  return out;
}

void ModelGraph::check_planned_size(int64_t max_parameters) const {
  std::map<const Layer*, int64_t> planned;  // a shared layer's weights count once
  std::vector<Shape> shapes(nodes_.size());
  int64_t total = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const GraphNode& g = nodes_[i];
    if (g.inputs.empty()) {
      shapes[i] = *g.layer->declared_input_shape();
      continue;
    }
    if (g.merge != nullptr) return;  // merges hold no weights; the check ends here
    const std::optional<Layer::BuildPlan> plan = g.layer->plan_build(shapes[g.inputs[0]]);
    if (!plan) return;  // the layers after it are checked by their builds
    shapes[i] = plan->output_shape;
    if (!planned.emplace(g.layer, plan->parameters).second) continue;
    total += plan->parameters;
    if (total > max_parameters) {
      throw InvalidArgumentError("the model config declares more weights than the " +
                                 std::to_string(max_parameters) + " the file holds (at layer '" +
                                 g.layer->name() + "', which adds " +
                                 std::to_string(plan->parameters) + ")");
    }
  }
}

void ModelGraph::check_states(const GraphNode& g) const {
  const size_t states = g.recurrent->class_name() == "LSTM" ? 2 : 1;
  const Shape expected{g.recurrent->units()};
  bool fits = g.inputs.size() == 1 + states;
  for (size_t j = 1; fits && j < g.inputs.size(); ++j) fits = nodes_[g.inputs[j]].shape == expected;
  if (!fits) {
    std::string got;
    for (size_t j = 1; j < g.inputs.size(); ++j) {
      got += (j > 1 ? ", " : "") + shape_json(nodes_[g.inputs[j]].shape).dump();
    }
    throw InvalidArgumentError(
        "layer '" + g.layer->name() + "' (" + g.layer->class_name() + ") takes " +
        std::to_string(states) + " initial state" + (states > 1 ? "s" : "") + " of shape " +
        shape_json(expected).dump() + " after its input, called with " + got);
  }
}

void ModelGraph::build(std::mt19937_64& rng, int64_t max_parameters) {
  if (max_parameters < std::numeric_limits<int64_t>::max()) check_planned_size(max_parameters);
  std::map<const Layer*, std::vector<Shape>> built_for;
  for (GraphNode& g : nodes_) {
    std::vector<Shape> shapes;
    for (size_t in : g.inputs) shapes.push_back(nodes_[in].shape);
    if (is_input(*g.layer)) {
      shapes = {*g.layer->declared_input_shape()};
      if (!g.layer->built()) g.layer->build(shapes[0], rng);
    } else if (auto it = built_for.find(g.layer); it != built_for.end()) {
      if (it->second != shapes) {
        throw InvalidArgumentError("layer '" + g.layer->name() + "' is shared: built for inputs " +
                                   shape_json(it->second[0]).dump() + ", called on " +
                                   shape_json(shapes[0]).dump());
      }
    } else if (g.merge != nullptr) {
      if (!g.merge->built()) g.merge->build_merge(shapes);
    } else if (!g.layer->built()) {
      g.layer->build(shapes[0], rng);
    }
    built_for.emplace(g.layer, shapes);
    g.shape = g.layer->output_shape();
    if (g.recurrent != nullptr && g.inputs.size() > 1) check_states(g);
  }
  mark_gradients(/*inputs=*/false);
}

void ModelGraph::mark_gradients(bool inputs) {
  for (GraphNode& g : nodes_) {
    bool needed = inputs && g.inputs.empty();
    for (const nn::Variable* w : g.layer->weights()) needed = needed || w->trainable;
    for (size_t in : g.inputs) needed = needed || nodes_[in].needs_gradient;
    g.needs_gradient = needed;
  }
}

bool ModelGraph::can_fuse(size_t output) const {
  const size_t node = outputs_[output];
  if (nodes_[node].shared) return false;
  for (const GraphNode& g : nodes_) {
    if (std::find(g.inputs.begin(), g.inputs.end(), node) != g.inputs.end()) return false;
  }
  return std::count(outputs_.begin(), outputs_.end(), node) == 1 &&
         nodes_[node].layer->final_activation() != nn::Activation::kLinear;
}

}  // namespace cairn::keras::internal
