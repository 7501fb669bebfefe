// Internal to keras: the graph of a functional Model — its layers in Keras's
// order, its layer calls (nodes) in an order that runs them, and the forward
// and backward passes over a batch.
//
//   ModelGraph graph(inputs, outputs, "model");
//   graph.build(rng);
//   std::vector<const nn::Matrix*> out = graph.forward({&a, &b}, /*training=*/true, rng);
//   graph.backward(output_gradients, preactivation);   // sets every weight's gradient
//
// A layer called on several tensors (shared) keeps one set of weights: its
// weight gradients are the sums over its calls. A layer keeps only its last
// call's state, so before running a shared layer backward for an earlier call
// the graph runs that call forward again (with the generator state of the
// first run, so dropout draws the same mask).
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cairn/keras/keras_tensor.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/keras/layers/recurrent.h"

namespace cairn::keras::internal {

struct GraphNode {
  Layer* layer = nullptr;
  Merge* merge = nullptr;  // the layer as a merge, or nullptr
  // The layer as a recurrent layer, or nullptr. It may be called on
  // [x, h0] (LSTM: [x, h0, c0]): Keras's initial_state.
  RecurrentLayer* recurrent = nullptr;
  std::vector<size_t> inputs;   // indices of the nodes it was called on
  Shape shape;                  // the output's sample shape
  int call_index = 0;           // among the layer's calls (Keras's node_index)
  uint64_t call_id = 0;         // the call's number (internal::Node::id)
  bool shared = false;          // its layer is called more than once
  bool needs_gradient = false;  // it or a node before it has trainable weights
  // Per batch.
  const nn::Matrix* value = nullptr;
  nn::Matrix owned_value;          // a shared layer's output, copied
  std::optional<nn::Matrix> mask;  // the output's mask, if any
  std::mt19937_64 rng;             // the generator as this call's forward found it
  nn::Matrix gradient;             // dL/d(output), summed over its consumers
  bool has_gradient = false;
};

class ModelGraph {
 public:
  // Throws InvalidArgumentError naming the model for an output not computed
  // from `inputs` alone, an input that is not a keras::Input, or two
  // different layers of one name.
  ModelGraph(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
             const std::string& model_name);

  // Builds every layer on its input shapes (a layer already built is kept).
  // First plans the builds (Layer::plan_build): InvalidArgumentError, before
  // anything is allocated, when the layers would hold more than
  // `max_parameters` weights (a config from an untrusted file).
  void build(std::mt19937_64& rng, int64_t max_parameters = std::numeric_limits<int64_t>::max());

  // Keras's model.layers order: by depth from the outputs, deepest first.
  const std::vector<LayerPtr>& layers() const { return layers_; }
  const std::vector<GraphNode>& nodes() const { return nodes_; }
  const std::vector<size_t>& input_nodes() const { return inputs_; }
  const std::vector<size_t>& output_nodes() const { return outputs_; }
  // The nodes of a layer, in call order.
  std::vector<size_t> nodes_of(const Layer& layer) const;

  // The outputs for these input rows (one matrix per input), held by the
  // graph until the next forward().
  std::vector<const nn::Matrix*> forward(const std::vector<const nn::Matrix*>& x, bool training,
                                         std::mt19937_64& rng);
  // From dL/d(each output) of the last training forward() — or, where
  // `preactivation[k]`, dL/d(output k's pre-activation) — sets the gradient
  // of every trainable weight.
  // With `input_gradients`, also dL/d(each input) (input_gradient(k));
  // else backpropagation stops where nothing before has trainable weights.
  void backward(const std::vector<nn::Matrix>& output_gradients,
                const std::vector<bool>& preactivation, bool input_gradients = false);
  // dL/d(input k) of the last backward() with input_gradients.
  const nn::Matrix& input_gradient(size_t k) const { return nodes_[inputs_[k]].gradient; }
  // Whether output k's loss may be fused with its layer's activation (its
  // layer runs once and nothing else reads it).
  bool can_fuse(size_t output) const;

 private:
  // Adds `node` and the nodes it reads (those not `seen`); returns its index.
  size_t add_node(const internal::Node& node, const std::string& model_name,
                  std::map<const internal::Node*, size_t>& seen,
                  std::map<std::string, LayerPtr>& by_name);
  // The node of a call met for the first time (its layer registered by name).
  GraphNode enter(const internal::Node& node, const std::string& model_name,
                  std::map<std::string, LayerPtr>& by_name);
  void order_layers(const std::vector<LayerPtr>& first_seen);
  void run_node(GraphNode& node, bool training, std::mt19937_64& rng);
  void backprop_node(size_t index, bool preactivation);
  void add_gradient(size_t index, const nn::Matrix& gradient);
  // Sets needs_gradient: a node with trainable weights or reading one that
  // needs it (every input node too when `inputs`).
  void mark_gradients(bool inputs);
  void check_planned_size(int64_t max_parameters) const;
  // Checks a recurrent layer's initial states: [units] each, as many as it has.
  void check_states(const GraphNode& g) const;

  std::vector<LayerPtr> layers_;
  std::vector<GraphNode> nodes_;  // each after the nodes it reads
  std::vector<size_t> inputs_, outputs_;
  std::map<const Layer*, size_t> last_run_;  // each layer's node whose state it holds
};

}  // namespace cairn::keras::internal
