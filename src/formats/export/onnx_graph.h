// Building an ONNX graph (onnx_writer.cc, onnx_layers.cc): attributes,
// nodes whose outputs are named after them, initializers.
//
//   internal::OnnxGraph g(*proto.mutable_graph());
//   std::string w = g.add_initializer("dense/kernel", kernel);
//   std::string y = g.add("MatMul", "dense/MatMul", {x, w});
#pragma once

#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/proto/onnx.pb.h"

namespace cairn::internal {

inline onnx::AttributeProto int_attribute(const std::string& name, int64_t value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
  return a;
}

inline onnx::AttributeProto float_attribute(const std::string& name, float value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
  return a;
}

inline onnx::AttributeProto ints_attribute(const std::string& name,
                                           const std::vector<int64_t>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a.add_ints(v);
  return a;
}

inline onnx::AttributeProto strings_attribute(const std::string& name,
                                              const std::vector<std::string>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRINGS);
  for (const std::string& v : values) a.add_strings(v);
  return a;
}

// Appends nodes and initializers to a graph. Every node has one output, the
// value named after the node.
class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

  // Adds an `op_type` node named `name`; returns its output's name, `name`.
  std::string add(const std::string& op_type, const std::string& name,
                  const std::vector<std::string>& inputs,
                  std::vector<onnx::AttributeProto> attributes = {}) {
    onnx::NodeProto* node = graph_.add_node();
    node->set_name(name);
    node->set_op_type(op_type);
    for (const std::string& input : inputs) node->add_input(input);
    node->add_output(name);
    for (onnx::AttributeProto& a : attributes) *node->add_attribute() = std::move(a);
    return name;
  }

  // Adds the float32 tensor `t` as an initializer named `name`; returns `name`.
  std::string add_initializer(const std::string& name, const Tensor& t) {
    onnx::TensorProto* init = graph_.add_initializer();
    init->set_name(name);
    init->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : t.shape().dims()) init->add_dims(d);
    init->set_raw_data(reinterpret_cast<const char*>(t.data()), t.byte_size());
    return name;
  }

  // Adds an `op_type` node named `name` with the outputs "<name>/<output>"
  // for each of `outputs`; returns their names.
  std::vector<std::string> add_multi(const std::string& op_type, const std::string& name,
                                     const std::vector<std::string>& inputs,
                                     const std::vector<std::string>& outputs,
                                     std::vector<onnx::AttributeProto> attributes = {}) {
    onnx::NodeProto* node = graph_.add_node();
    node->set_name(name);
    node->set_op_type(op_type);
    for (const std::string& input : inputs) node->add_input(input);
    std::vector<std::string> names;
    for (const std::string& output : outputs) names.push_back(name + "/" + output);
    for (const std::string& n : names) node->add_output(n);
    for (onnx::AttributeProto& a : attributes) *node->add_attribute() = std::move(a);
    return names;
  }

  // Adds an int64 vector initializer (a shape, axes) named `name`.
  std::string add_int64_initializer(const std::string& name, const std::vector<int64_t>& values) {
    onnx::TensorProto* init = graph_.add_initializer();
    init->set_name(name);
    init->set_data_type(onnx::TensorProto::INT64);
    init->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) init->add_int64_data(v);
    return name;
  }

 private:
  onnx::GraphProto& graph_;
};

// Applies `activation` to the value `x` inside `layer`; returns the result.
inline std::string add_onnx_activation(OnnxGraph& g, const std::string& layer,
                                       const std::string& activation, const std::string& x) {
  if (activation == "linear") return x;
  if (activation == "relu") return g.add("Relu", layer + "/Relu", {x});
  if (activation == "tanh") return g.add("Tanh", layer + "/Tanh", {x});
  if (activation == "sigmoid") return g.add("Sigmoid", layer + "/Sigmoid", {x});
  if (activation == "elu") return g.add("Elu", layer + "/Elu", {x}, {float_attribute("alpha", 1)});
  return g.add("Softmax", layer + "/Softmax", {x}, {int_attribute("axis", -1)});
}

}  // namespace cairn::internal
