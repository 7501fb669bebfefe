// The canned Estimator's graph and MetaGraphDef (node names: model_graph.h),
// modelled on the graphs TensorFlow 1.x Estimators write (a DNNClassifier's
// model.ckpt-N.meta lists exactly these variable, initializer, head and
// saver nodes).
#include "estimator/model_graph.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "cairn/core/errors.h"
#include "cairn/data/feature_column.h"
#include "cairn/nn/activation.h"

namespace cairn::estimator {
namespace {

using tensorflow::GraphDef;
using tensorflow::NodeDef;

constexpr DType kFloat = DType::kFloat32;
constexpr char kInputLayer[] = "dnn/input_from_feature_columns/input_layer/concat";
constexpr char kLinearScope[] = "linear/linear_model/";
constexpr char kMetaGraphVersion[] = "cairn-0.1.0";

// One MatMul + BiasAdd of the model and the variables (checkpoint names) it reads.
struct Dense {
  std::string scope;  // "dnn/hiddenlayer_0/"
  std::string kernel;
  std::string bias;
};

struct ModelVariables {
  std::vector<Dense> dnn;                   // hidden layers, then logits
  std::vector<std::string> column_weights;  // linear: one per column, in key order
  std::string linear_bias;

  std::set<std::string> names() const {
    std::set<std::string> out(column_weights.begin(), column_weights.end());
    if (!linear_bias.empty()) out.insert(linear_bias);
    for (const auto& d : dnn) out.insert({d.kernel, d.bias});
    return out;
  }
};

bool direct_child(std::string_view name, std::string_view scope) {
  return name.size() > scope.size() && name.substr(0, scope.size()) == scope &&
         name.find('/', scope.size()) == std::string_view::npos;
}

// The variable of shape.rank() directly under `scope`, or (appended to `vars`)
// "<scope><fallback>" of `shape`.
std::string find_or_add(std::vector<VariableInfo>& vars, const std::string& scope,
                        const std::string& fallback, TensorShape shape) {
  for (const auto& v : vars) {
    if (direct_child(v.name, scope) && v.shape.rank() == shape.rank()) return v.name;
  }
  vars.push_back({scope + fallback, kFloat, std::move(shape)});
  return vars.back().name;
}

ModelVariables model_variables(const ModelSpec& spec, std::vector<VariableInfo>& vars) {
  ModelVariables m;
  const int64_t out = spec.logits_width();
  if (spec.type == EstimatorType::kLinearClassifier) {
    for (const auto& c : data::sorted_columns(spec.feature_columns)) {
      m.column_weights.push_back(
          find_or_add(vars, kLinearScope + c.key + "/", "weights", {c.shape, out}));
    }
    m.linear_bias = find_or_add(vars, kLinearScope, "bias_weights", {out});
    return m;
  }
  int64_t in = spec.input_width();
  auto add_dense = [&](const std::string& scope, int64_t units) {
    m.dnn.push_back({scope, find_or_add(vars, scope, spec.kernel_name, {in, units}),
                     find_or_add(vars, scope, spec.bias_name, {units})});
    in = units;
  };
  for (size_t k = 0; k < spec.hidden_units.size(); ++k) {
    add_dense("dnn/hiddenlayer_" + std::to_string(k) + "/", spec.hidden_units[k]);
  }
  add_dense("dnn/logits/", out);
  return m;
}

// TensorFlow's glorot_uniform_initializer subgraph for a [fan_in, fan_out]
// kernel: min + (max - min) * RandomUniform(shape), limit sqrt(6 / (fan_in +
// fan_out)). Returns the initial value.
std::string glorot_uniform(GraphBuilder& b, const std::string& var, const TensorShape& shape) {
  const std::string scope = var + "/Initializer/random_uniform";
  const double limit = std::sqrt(6.0 / static_cast<double>(shape.dim(0) + shape.dim(1)));
  const auto t = type_attr(kFloat);
  auto add = [&](NodeDef& node) {
    colocate_with(node, var);
    return node.name();
  };
  const std::vector<int32_t> dims = {static_cast<int32_t>(shape.dim(0)),
                                     static_cast<int32_t>(shape.dim(1))};
  std::string dims_node = add(b.constant(scope + "/shape", Tensor::from_vector(dims, {2})));
  std::string lo = add(b.constant(scope + "/min", filled_tensor_proto(kFloat, {}, -limit)));
  std::string hi = add(b.constant(scope + "/max", filled_tensor_proto(kFloat, {}, limit)));
  std::string uniform = add(b.op(scope + "/RandomUniform", "RandomUniform", {dims_node},
                                 {{"T", type_attr(DType::kInt32)},
                                  {"dtype", t},
                                  {"seed", int_attr(0)},
                                  {"seed2", int_attr(0)}}));
  std::string range = add(b.op(scope + "/sub", "Sub", {hi, lo}, {{"T", t}}));
  std::string scaled = add(b.op(scope + "/mul", "Mul", {uniform, range}, {{"T", t}}));
  return add(b.op(scope, "Add", {scaled, lo}, {{"T", t}}));
}

// The initial value of a variable: glorot uniform for kernels, 0.1 for
// Adagrad accumulators (TensorFlow's initial_accumulator_value), else zeros.
std::string add_initializer(GraphBuilder& b, const std::string& var, const VariableInfo& info,
                            bool kernel) {
  if (kernel && info.dtype == kFloat && info.shape.rank() == 2) {
    return glorot_uniform(b, var, info.shape);
  }
  const bool accumulator = info.name.ends_with("/Adagrad");
  NodeDef& init = b.constant(var + (accumulator ? "/Initializer/Const" : "/Initializer/zeros"),
                             filled_tensor_proto(info.dtype, info.shape, accumulator ? 0.1 : 0.0));
  colocate_with(init, var);
  return init.name();
}

// A variable's nodes in the graph.
struct GraphVariable {
  VariableInfo info;   // checkpoint name, dtype, shape
  std::string node;    // VariableV2
  std::string read;    // Identity, what the model and SaveV2 read
  std::string assign;  // Assign of the initial value
};

std::vector<GraphVariable> add_variables(GraphBuilder& b, const std::vector<VariableInfo>& vars,
                                         const std::set<std::string>& kernels) {
  std::vector<GraphVariable> out;
  for (const auto& info : vars) {
    if (!has_values(info.dtype)) continue;
    NodeDef& variable = b.variable(valid_node_name(info.name), info.dtype, info.shape);
    // TensorFlow creates global_step inside a colocation scope of its own.
    if (info.name == "global_step") colocate_with(variable, variable.name());
    GraphVariable v{info, variable.name(), "", ""};
    std::string initial = add_initializer(b, v.node, info, kernels.count(info.name) > 0);
    v.assign = b.assign(v.node, initial).name();
    NodeDef& read = b.identity(v.node + "/read", v.node, info.dtype);
    colocate_with(read, v.node);
    v.read = read.name();
    out.push_back(std::move(v));
  }
  return out;
}

// One float [-1, width] Placeholder per column, named by its key.
std::vector<std::string> add_features(GraphBuilder& b,
                                      const std::vector<data::NumericColumn>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    out.push_back(b.placeholder(valid_node_name(c.key), kFloat, {-1, c.shape}).name());
  }
  return out;
}

// The DNN's input: the features concatenated in key order.
std::string input_layer(GraphBuilder& b, std::vector<std::string> features) {
  if (features.empty()) return b.placeholder(kInputLayer, kFloat, {-1, 0}).name();
  if (features.size() == 1) return b.identity(kInputLayer, features[0], kFloat).name();
  const int64_t n = static_cast<int64_t>(features.size());
  features.push_back(
      b.constant(std::string(kInputLayer) + "/axis", Tensor::scalar<int32_t>(1)).name());
  return b
      .op(kInputLayer, "ConcatV2", std::move(features),
          {{"N", int_attr(n)}, {"T", type_attr(kFloat)}, {"Tidx", type_attr(DType::kInt32)}})
      .name();
}

// The DNN's logits.
std::string add_dnn(GraphBuilder& b, const ModelSpec& spec, const ModelVariables& m,
                    const std::map<std::string, std::string>& reads, std::string x) {
  const std::string_view activation = nn::activation_op(spec.activation);
  for (size_t k = 0; k < m.dnn.size(); ++k) {
    const Dense& d = m.dnn[k];
    x = b.matmul(d.scope + "MatMul", x, reads.at(d.kernel), kFloat).name();
    x = b.bias_add(d.scope + "BiasAdd", x, reads.at(d.bias), kFloat).name();
    if (k + 1 < m.dnn.size() && !activation.empty()) {
      x = b.op(d.scope + std::string(activation), std::string(activation), {x},
               {{"T", type_attr(kFloat)}})
              .name();
    }
  }
  return x;
}

// The linear model's logits.
std::string add_linear(GraphBuilder& b, const ModelVariables& m,
                       const std::map<std::string, std::string>& reads,
                       const std::vector<data::NumericColumn>& columns,
                       const std::vector<std::string>& features) {
  std::vector<std::string> sums;
  for (size_t i = 0; i < columns.size(); ++i) {
    sums.push_back(b.matmul(kLinearScope + valid_node_name(columns[i].key) + "/weighted_sum",
                            features[i], reads.at(m.column_weights[i]), kFloat)
                       .name());
  }
  const std::string no_bias = std::string(kLinearScope) + "weighted_sum_no_bias";
  std::string sum;
  if (sums.size() == 1) {
    sum = b.identity(no_bias, sums[0], kFloat).name();
  } else if (sums.empty()) {
    sum = b.placeholder(no_bias, kFloat, {-1, 1}).name();
  } else {
    const int64_t n = static_cast<int64_t>(sums.size());
    sum = b.op(no_bias, "AddN", sums, {{"N", int_attr(n)}, {"T", type_attr(kFloat)}}).name();
  }
  return b
      .bias_add(std::string(kLinearScope) + "weighted_sum", sum, reads.at(m.linear_bias), kFloat)
      .name();
}

// TensorFlow's prediction heads: probabilities and class_ids (classifiers;
// a single logit becomes two_class_logits [0, logit]), predictions (regressors).
void add_head(GraphBuilder& b, const ModelSpec& spec, const std::string& logits) {
  const auto t = type_attr(kFloat);
  if (spec.type == EstimatorType::kDNNRegressor) {
    b.identity("head/predictions/predictions", logits, kFloat);
    return;
  }
  std::string scores = logits;
  if (spec.logits_width() == 1) {
    b.op("head/predictions/logistic", "Sigmoid", {logits}, {{"T", t}});
    std::string zeros =
        b.op("head/predictions/zeros_like", "ZerosLike", {logits}, {{"T", t}}).name();
    std::string axis =
        b.constant("head/predictions/two_class_logits/axis", Tensor::scalar<int32_t>(-1)).name();
    scores = b.op("head/predictions/two_class_logits", "ConcatV2", {zeros, logits, axis},
                  {{"N", int_attr(2)}, {"T", t}, {"Tidx", type_attr(DType::kInt32)}})
                 .name();
  }
  b.op("head/predictions/probabilities", "Softmax", {scores}, {{"T", t}});
  std::string dim =
      b.constant("head/predictions/class_ids/dimension", Tensor::scalar<int32_t>(-1)).name();
  b.op("head/predictions/class_ids", "ArgMax", {scores, dim},
       {{"T", t}, {"Tidx", type_attr(DType::kInt32)}, {"output_type", type_attr(DType::kInt64)}});
}

// --- MetaGraphDef ---

// The graph's variables (VariableV2 nodes), with their Assign (from the
// "init" op), initial value and read (Identity) nodes.
struct MetaVariable {
  std::string node, assign, initial_value, read;
};

std::vector<MetaVariable> meta_variables(const GraphDef& graph) {
  std::map<std::string, const NodeDef*> by_name;
  for (const auto& n : graph.node()) by_name[n.name()] = &n;
  std::map<std::string, MetaVariable> found;
  for (const auto& n : graph.node()) {
    if (n.op() == "VariableV2") found[n.name()].node = n.name();
  }
  for (const auto& n : graph.node()) {
    if (n.op() == "Identity" && n.input_size() == 1 && found.count(n.input(0)) &&
        found[n.input(0)].read.empty()) {
      found[n.input(0)].read = n.name();
    }
  }
  auto init = by_name.find("init");
  if (init != by_name.end()) {
    for (const auto& control : init->second->input()) {
      auto a = by_name.find(std::string(input_node_name(control)));
      if (a == by_name.end() || a->second->op() != "Assign" || a->second->input_size() != 2)
        continue;
      auto v = found.find(a->second->input(0));
      if (v == found.end()) continue;
      v->second.assign = a->first;
      v->second.initial_value = a->second->input(1);
    }
  }
  std::vector<MetaVariable> out;
  for (const auto& n : graph.node()) {
    if (n.op() == "VariableV2") out.push_back(found[n.name()]);
  }
  return out;
}

std::string tensor_name(const std::string& node) {
  return node.find(':') == std::string::npos ? node + ":0" : node;
}

// A serialized tensorflow.VariableDef (tensorflow/core/framework/
// variable.proto: variable_name = 1, initializer_name = 2, snapshot_name = 3,
// initial_value_name = 6, trainable = 7), written with protobuf's encoder
// because cairn declares no variable.proto.
std::string variable_def(const MetaVariable& v, bool trainable) {
  std::string out;
  google::protobuf::io::StringOutputStream raw(&out);
  google::protobuf::io::CodedOutputStream s(&raw);
  auto put = [&s](uint32_t field, const std::string& value) {
    if (value.empty()) return;
    s.WriteTag(field << 3 | 2);  // length-delimited
    s.WriteVarint32(static_cast<uint32_t>(value.size()));
    s.WriteString(value);
  };
  put(1, tensor_name(v.node));
  put(2, v.assign);
  put(3, v.read.empty() ? "" : tensor_name(v.read));
  put(6, v.initial_value.empty() ? "" : tensor_name(v.initial_value));
  if (trainable) {
    s.WriteTag(7 << 3 | 0);  // varint
    s.WriteVarint32(1);
  }
  s.Trim();
  return out;
}

// The names of the model's trainable variables among the graph's VariableV2 nodes.
std::set<std::string> trainable_nodes(const ModelSpec& spec, const GraphDef& graph) {
  std::vector<VariableInfo> vars;
  for (const auto& n : graph.node()) {
    if (n.op() != "VariableV2") continue;
    auto shape = n.attr().find("shape");
    std::vector<int64_t> dims;
    if (shape != n.attr().end()) {
      for (const auto& d : shape->second.shape().dim()) dims.push_back(d.size());
    }
    vars.push_back({n.name(), kFloat, TensorShape(std::move(dims))});
  }
  return model_variables(spec, vars).names();
}

}  // namespace

tensorflow::GraphDef build_model_graph(const ModelSpec& spec,
                                       const std::vector<VariableInfo>& variables) {
  GraphBuilder b;
  const auto columns = data::sorted_columns(spec.feature_columns);
  const std::vector<std::string> features = add_features(b, columns);
  std::vector<VariableInfo> all = variables;
  const ModelVariables m = model_variables(spec, all);
  std::set<std::string> kernels(m.column_weights.begin(), m.column_weights.end());
  for (const auto& d : m.dnn) kernels.insert(d.kernel);
  const std::vector<GraphVariable> vars = add_variables(b, all, kernels);
  std::map<std::string, std::string> reads;
  for (const auto& v : vars) reads[v.info.name] = v.read;

  const std::string logits = spec.type == EstimatorType::kLinearClassifier
                                 ? add_linear(b, m, reads, columns, features)
                                 : add_dnn(b, spec, m, reads, input_layer(b, features));
  add_head(b, spec, logits);
  std::vector<std::string> assigns;
  for (const auto& v : vars) assigns.push_back(v.assign);
  b.no_op("init", assigns);
  std::vector<SaverVariable> saveables;
  for (const auto& v : vars) saveables.push_back({v.info.name, v.node, v.read, v.info.dtype});
  add_sharded_saver(b, std::move(saveables));
  return b.release();
}

tensorflow::MetaGraphDef build_meta_graph(const ModelSpec& spec,
                                          const tensorflow::GraphDef& graph) {
  return build_meta_graph(graph, trainable_nodes(spec, graph), kModelSpecCollection,
                          spec.to_json());
}

tensorflow::MetaGraphDef build_meta_graph(const tensorflow::GraphDef& graph,
                                          const std::set<std::string>& trainable,
                                          std::string_view record_collection,
                                          const std::string& record) {
  tensorflow::MetaGraphDef meta;
  meta.mutable_meta_info_def()->set_meta_graph_version(kMetaGraphVersion);
  *meta.mutable_graph_def() = graph;
  *meta.mutable_saver_def() = sharded_saver_def();
  auto& collections = *meta.mutable_collection_def();
  for (const auto& v : meta_variables(graph)) {
    const bool is_trainable = trainable.count(v.node) > 0;
    collections["variables"].mutable_bytes_list()->add_value(variable_def(v, is_trainable));
    if (is_trainable) {
      collections["trainable_variables"].mutable_bytes_list()->add_value(variable_def(v, true));
    }
    if (v.node == "global_step") {
      collections["global_step"].mutable_node_list()->add_value("global_step:0");
    }
  }
  collections[std::string(record_collection)].mutable_bytes_list()->add_value(record);
  return meta;
}

tensorflow::GraphDef build_forward_model_graph(const tensorflow::GraphDef& forward,
                                               const std::vector<VariableInfo>& variables) {
  GraphBuilder b;
  std::set<std::string> forward_variables;
  std::vector<std::string> assigns;
  for (const NodeDef& n : forward.node()) {
    if (n.name() == "init" || n.name().starts_with("save/")) continue;
    AttrList attrs(n.attr().begin(), n.attr().end());
    NodeDef& copy = b.op(n.name(), n.op(), {n.input().begin(), n.input().end()}, std::move(attrs));
    if (n.op() == "VariableV2") forward_variables.insert(n.name());
    if (n.op() == "Assign") assigns.push_back(copy.name());
  }
  std::vector<VariableInfo> missing;
  std::vector<SaverVariable> saveables;
  for (const VariableInfo& info : variables) {
    const std::string node = valid_node_name(info.name);
    if (forward_variables.count(node) == 0) {
      missing.push_back(info);
    } else {
      saveables.push_back({info.name, node, node + "/read", info.dtype});
    }
  }
  for (const GraphVariable& v : add_variables(b, missing, {})) {
    assigns.push_back(v.assign);
    saveables.push_back({v.info.name, v.node, v.read, v.info.dtype});
  }
  b.no_op("init", assigns);
  std::sort(saveables.begin(), saveables.end(),
            [](const auto& a, const auto& c) { return a.name < c.name; });
  add_sharded_saver(b, std::move(saveables));
  return b.release();
}

Result<ModelSpec> read_model_spec_from_meta(std::string_view serialized_meta_graph_def,
                                            const std::string& path) {
  tensorflow::MetaGraphDef meta;
  if (serialized_meta_graph_def.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !meta.ParseFromArray(serialized_meta_graph_def.data(),
                           static_cast<int>(serialized_meta_graph_def.size()))) {
    return data_loss_error(path + ": not a valid MetaGraphDef");
  }
  auto it = meta.collection_def().find(std::string(kModelSpecCollection));
  if (it == meta.collection_def().end()) {
    return not_found_error(path + ": no \"" + std::string(kModelSpecCollection) +
                           "\" collection (a MetaGraphDef not written by cairn)");
  }
  if (!it->second.has_bytes_list() || it->second.bytes_list().value_size() != 1) {
    return data_loss_error(path + ": collection \"" + std::string(kModelSpecCollection) +
                           "\" does not hold exactly one model spec");
  }
  try {  // the errors name `path`, the field and its value
    return ModelSpec::from_json(it->second.bytes_list().value(0), path);
  } catch (const Error& e) {
    return Status(e.code(), e.what());
  }
}

}  // namespace cairn::estimator
