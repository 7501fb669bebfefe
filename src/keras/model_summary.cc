// Model::summary: Keras 2's table for functional models — 98 columns,
// fields ending at 32, 53, 65 and 98, the last one "Connected to": each
// call's inputs as "<layer>[<call>][<tensor>]", one per line.
#include <sstream>

#include "cairn/keras/model.h"
#include "keras/model_graph.h"
#include "keras/summary_table.h"

namespace cairn::keras {

namespace {

constexpr int kLineLength = 98;
const std::vector<int> kPositions = {32, 53, 65, 98};

// An InputLayer's output shape prints as tf.keras prints it: a list.
std::string output_shape_text(const Layer& layer) {
  const std::string shape = internal::shape_text(layer.output_shape());
  return layer.class_name() == "InputLayer" ? "[" + shape + "]" : shape;
}

}  // namespace

std::string Model::summary_string() const {
  const internal::ModelGraph& graph = *graph_;
  std::ostringstream out;
  out << "Model: \"" << name_ << "\"\n";
  out << std::string(kLineLength, '_') << "\n";
  out << internal::summary_row({"Layer (type)", "Output Shape", "Param #", "Connected to"},
                               kPositions)
      << "\n";
  out << std::string(kLineLength, '=') << "\n";
  for (size_t i = 0; i < layers().size(); ++i) {
    Layer& layer = *layers()[i];
    std::vector<std::string> connections;
    for (size_t n : graph.nodes_of(layer)) {
      for (size_t in : graph.nodes()[n].inputs) {
        const internal::GraphNode& from = graph.nodes()[in];
        connections.push_back(from.layer->name() + "[" + std::to_string(from.call_index) + "][0]");
      }
    }
    out << internal::summary_row(
               {layer.name() + " (" + layer.class_name() + ")", output_shape_text(layer),
                std::to_string(layer.count_params()), connections.empty() ? "" : connections[0]},
               kPositions)
        << "\n";
    for (size_t c = 1; c < connections.size(); ++c) {
      out << internal::summary_row({"", "", "", connections[c]}, kPositions) << "\n";
    }
    out << std::string(kLineLength, i + 1 == layers().size() ? '=' : '_') << "\n";
  }
  out << internal::params_totals(weights());
  out << std::string(kLineLength, '_') << "\n";
  return out.str();
}

void Model::summary(std::ostream& out) const { out << summary_string(); }

}  // namespace cairn::keras
