// A functional model's forward and backward passes over a batch.
#include <algorithm>

#include "cairn/core/errors.h"
#include "keras/model_graph.h"

namespace cairn::keras::internal {

namespace {

const Layer::Mask* mask_of(const GraphNode& node) { return node.mask ? &*node.mask : nullptr; }

// A weight's values as one column, whatever its rank.
Eigen::Map<Eigen::VectorXf> flat(Tensor& t) {
  return {t.flat<float>().data(), static_cast<Eigen::Index>(t.num_elements())};
}

}  // namespace

std::vector<const nn::Matrix*> ModelGraph::forward(const std::vector<const nn::Matrix*>& x,
                                                   bool training, std::mt19937_64& rng) {
  if (x.size() != inputs_.size()) {
    throw InvalidArgumentError("the model has " + std::to_string(inputs_.size()) +
                               " inputs, given " + std::to_string(x.size()));
  }
  for (size_t k = 0; k < inputs_.size(); ++k) {
    nodes_[inputs_[k]].value = x[k];
    nodes_[inputs_[k]].mask.reset();
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].inputs.empty()) {
      if (training && nodes_[i].shared) nodes_[i].rng = rng;
      run_node(nodes_[i], training, rng);
      last_run_[nodes_[i].layer] = i;
    }
  }
  std::vector<const nn::Matrix*> out;
  for (size_t k : outputs_) out.push_back(nodes_[k].value);
  return out;
}

void ModelGraph::run_node(GraphNode& g, bool training, std::mt19937_64& rng) {
  const nn::Matrix* out = nullptr;
  if (g.merge != nullptr) {
    std::vector<const nn::Matrix*> xs;
    std::vector<const Layer::Mask*> masks;
    for (size_t in : g.inputs) {
      xs.push_back(nodes_[in].value);
      masks.push_back(mask_of(nodes_[in]));
    }
    g.mask = g.merge->merge_masks(masks);
    out = &g.merge->forward_merge(xs);
  } else {
    const GraphNode& in = nodes_[g.inputs[0]];
    g.layer->set_input_mask(mask_of(in));
    if (g.recurrent != nullptr) {  // zeros unless called with states
      g.recurrent->set_initial_state(g.inputs.size() > 1 ? nodes_[g.inputs[1]].value : nullptr,
                                     g.inputs.size() > 2 ? nodes_[g.inputs[2]].value : nullptr);
    }
    out = &g.layer->forward_kept(*in.value, training, rng);
    const Layer::Mask* mask = g.layer->output_mask(mask_of(in));
    if (mask != nullptr) {
      g.mask = *mask;
    } else {
      g.mask.reset();
    }
  }
  if (g.shared) {  // the layer's next call replaces what it holds
    g.owned_value = *out;
    out = &g.owned_value;
  }
  g.value = out;
}

void ModelGraph::backward(const std::vector<nn::Matrix>& output_gradients,
                          const std::vector<bool>& preactivation, bool input_gradients) {
  if (input_gradients) mark_gradients(/*inputs=*/true);
  for (GraphNode& g : nodes_) g.has_gradient = false;
  for (size_t k = 0; k < outputs_.size(); ++k) {
    if (output_gradients[k].size() > 0) add_gradient(outputs_[k], output_gradients[k]);
  }
  // A shared layer's weight gradients: the sum over its calls.
  std::map<nn::Variable*, Eigen::VectorXf> sums;
  for (size_t i = nodes_.size(); i-- > 0;) {
    GraphNode& g = nodes_[i];
    if (g.inputs.empty() || !g.has_gradient || !g.needs_gradient) continue;
    const auto out = std::find(outputs_.begin(), outputs_.end(), i);
    const bool fused = out != outputs_.end() && preactivation[out - outputs_.begin()];
    backprop_node(i, fused);
    if (!g.shared) continue;
    for (nn::Variable* w : g.layer->weights()) {
      if (!w->trainable || w->gradient.num_elements() != w->value.num_elements()) continue;
      auto [it, fresh] = sums.try_emplace(w, flat(w->gradient));
      if (!fresh) it->second += flat(w->gradient);
    }
  }
  for (auto& [w, sum] : sums) flat(w->gradient) = sum;
  if (input_gradients) mark_gradients(/*inputs=*/false);
}

void ModelGraph::backprop_node(size_t index, bool preactivation) {
  GraphNode& g = nodes_[index];
  if (last_run_[g.layer] != index) {
    // The layer holds a later call's state: run this call again, as it ran.
    std::mt19937_64 rng = g.rng;
    run_node(g, /*training=*/true, rng);
    last_run_[g.layer] = index;
  }
  if (g.merge != nullptr) {
    const std::vector<nn::Matrix>& grads = g.merge->backward_merge(g.gradient);
    for (size_t j = 0; j < g.inputs.size(); ++j) {
      if (nodes_[g.inputs[j]].needs_gradient) add_gradient(g.inputs[j], grads[j]);
    }
    return;
  }
  const size_t in = g.inputs[0];
  g.layer->set_input_mask(mask_of(nodes_[in]));
  const nn::Matrix& d = g.layer->backprop(
      g.gradient, {.preactivation = preactivation, .input_gradient = nodes_[in].needs_gradient});
  if (nodes_[in].needs_gradient) add_gradient(in, d);
  if (g.recurrent == nullptr || g.inputs.size() == 1) return;
  const auto [dh, dc] = g.recurrent->initial_state_gradients();
  for (size_t j = 1; j < g.inputs.size(); ++j) {
    if (nodes_[g.inputs[j]].needs_gradient) add_gradient(g.inputs[j], j == 1 ? dh : dc);
  }
}

void ModelGraph::add_gradient(size_t index, const nn::Matrix& gradient) {
  GraphNode& g = nodes_[index];
  if (g.has_gradient) {
    g.gradient += gradient;
  } else {
    g.gradient = gradient;
    g.has_gradient = true;
  }
}

}  // namespace cairn::keras::internal
