// A model_fn's model as a Network: a keras::Model from the features' Inputs
// to every tensor the EstimatorSpec reads, with the spec's head (custom_head.h).
#include "estimator/custom_network.h"

#include "cairn/core/errors.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/keras/model.h"
#include "estimator/custom_head.h"
#include "estimator/custom_record.h"
#include "estimator/model_graph.h"
#include "estimator/session.h"

namespace cairn::estimator::internal {
namespace {

using OrderedJson = nlohmann::ordered_json;

// What one model_fn call (or a record of one) built.
struct CustomModel {
  keras::Model model;
  std::vector<std::vector<std::string>> input_keys;  // per model input
  std::map<std::string, int64_t> widths;
  int64_t label_width = 1;
  CustomHead head;
};

class CustomNetwork : public Network {
 public:
  CustomNetwork(CustomModel m, ModeKeys mode) : m_(std::move(m)), mode_(mode) {
    for (const HeadMetric& metric : m_.head.metrics) accumulators_.emplace_back(metric.kind);
  }

  nn::VariableRefs variables() override { return m_.model.weights(); }

  nn::LossResult loss(const data::Batch& batch, bool training) override {
    if (!m_.head.loss) {
      throw InvalidArgumentError("model_fn returned no loss in mode " +
                                 std::string(mode_name(mode_)));
    }
    outputs_ = m_.model.call(inputs(batch.features), training);
    return head_loss(*m_.head.loss, *outputs_[m_.head.loss->output], batch.labels);
  }

  void backward(const nn::Matrix& gradient) override {
    std::vector<nn::Matrix> gradients(outputs_.size());
    gradients[m_.head.loss->output] = gradient;
    m_.model.backward(gradients);
  }

  void add_eval_batch(const data::Batch& batch, const nn::LossResult&) override {
    for (size_t k = 0; k < m_.head.metrics.size(); ++k) {
      const HeadValue& v = m_.head.metrics[k].value;
      accumulators_[k].add(batch.labels, apply_op(v.op, *outputs_[v.output]));
    }
  }

  std::map<std::string, double> eval_metrics() const override {
    std::map<std::string, double> out;
    for (size_t k = 0; k < m_.head.metrics.size(); ++k) {
      out[m_.head.metrics[k].name] = accumulators_[k].result();
    }
    return out;
  }

  std::vector<Prediction> predict(const data::FeatureMap& features) override {
    if (m_.head.predictions.empty()) {
      throw InvalidArgumentError("model_fn returned no predictions in mode infer");
    }
    outputs_ = m_.model.call(inputs(features), false);
    std::vector<Prediction> rows(static_cast<size_t>(outputs_[0]->rows()));
    for (const auto& [name, v] : m_.head.predictions) {
      const nn::Matrix values = apply_op(v.op, *outputs_[v.output]);
      for (Eigen::Index r = 0; r < values.rows(); ++r) {
        set_prediction(rows[static_cast<size_t>(r)], name, values.row(r).data(), values.cols());
      }
    }
    return rows;
  }

  InferenceModel inference_model() override;

  // The record of this model (custom_network.h).
  OrderedJson record() const {
    OrderedJson widths = OrderedJson::object();
    for (const auto& [key, width] : m_.widths) widths[key] = width;
    return {{"estimator", kModelFnKind},      {"feature_widths", widths},
            {"label_width", m_.label_width},  {"inputs", m_.input_keys},
            {"model", m_.model.get_config()}, {"head", OrderedJson(m_.head.to_json())}};
  }

  const CustomModel& model() const { return m_; }

 private:
  // Rows are contiguous (nn::Matrix is row-major).
  static void set_prediction(Prediction& p, const std::string& name, const float* row,
                             Eigen::Index size) {
    std::vector<float>& values = p.outputs[name];
    values.assign(row, row + size);
    if (name == "class_ids" && !values.empty()) p.class_id = std::lround(values[0]);
    if (name == "probabilities") p.probabilities = values;
    if (name == "logits") p.logits = values;
    if (name == "predictions") p.predictions = values;
  }

  // One matrix per model input: its feature, or its features concatenated.
  std::vector<const nn::Matrix*> inputs(const data::FeatureMap& features) {
    std::vector<const nn::Matrix*> out;
    concatenated_.resize(m_.input_keys.size());
    for (size_t k = 0; k < m_.input_keys.size(); ++k) {
      std::vector<const nn::Matrix*> parts;
      for (const std::string& key : m_.input_keys[k]) parts.push_back(&feature(features, key));
      if (parts.size() == 1) {
        out.push_back(parts[0]);
        continue;
      }
      Eigen::Index width = 0;
      for (const nn::Matrix* p : parts) width += p->cols();
      concatenated_[k].resize(parts[0]->rows(), width);
      Eigen::Index at = 0;
      for (const nn::Matrix* p : parts) {
        if (p->rows() != parts[0]->rows()) throw InvalidArgumentError("features differ in rows");
        concatenated_[k].middleCols(at, p->cols()) = *p;
        at += p->cols();
      }
      out.push_back(&concatenated_[k]);
    }
    return out;
  }

  static const nn::Matrix& feature(const data::FeatureMap& features, const std::string& key) {
    auto it = features.find(key);
    if (it != features.end()) return it->second;
    std::string keys;
    for (const auto& [k, m] : features) keys += (keys.empty() ? "" : ", ") + k;
    throw InvalidArgumentError("the model reads feature '" + key +
                               "', which the input does not have (it has: " + keys + ")");
  }

  CustomModel m_;
  ModeKeys mode_;
  std::vector<const nn::Matrix*> outputs_;  // of the last call
  std::vector<nn::Matrix> concatenated_;    // inputs made of several features
  std::vector<MetricAccumulator> accumulators_;
};

// The export's outputs: the predictions chosen, each named after itself.
InferenceOutput::Kind inference_output_kind(Output::Op op) {
  switch (op) {
    case Output::Op::kIdentity:
      return InferenceOutput::Kind::kLogits;
    case Output::Op::kArgMax:
      return InferenceOutput::Kind::kClassIds;
    case Output::Op::kSoftmax:
      return InferenceOutput::Kind::kProbabilities;
    case Output::Op::kSigmoid:
      return InferenceOutput::Kind::kLogistic;
  }
  return InferenceOutput::Kind::kLogits;
}

InferenceModel CustomNetwork::inference_model() {
  const CustomHead& head = m_.head;
  std::vector<std::pair<std::string, HeadValue>> served;
  for (const auto& p : head.predictions) {
    const auto& names = head.export_outputs;
    if (names.empty() || std::find(names.begin(), names.end(), p.first) != names.end()) {
      served.push_back(p);
    }
  }
  if (served.empty()) throw InvalidArgumentError("model_fn: no predictions to export");
  if (m_.input_keys.size() != 1 || m_.model.output_names().size() != 1) {
    throw UnimplementedError(
        "exports take a model_fn whose model has one input (one feature, or input_layer) and "
        "whose predictions, loss and metrics all read one tensor; this one has " +
        std::to_string(m_.input_keys.size()) + " inputs and " +
        std::to_string(m_.model.output_names().size()) + " tensors read");
  }
  InferenceModel im = m_.model.inference_model();
  im.is_keras_model = false;
  im.outputs.clear();
  for (const auto& [name, v] : served) im.outputs.push_back({name, inference_output_kind(v.op)});
  im.binary_head = im.steps.back().kind == InferenceStep::Kind::kDense
                       ? im.steps.back().kernel.shape().dim(1) == 1
                       : im.steps.back().output_shape == std::vector<int64_t>{1};
  for (const std::string& key : m_.input_keys[0]) {
    im.feature_names.push_back(key);
    im.feature_widths.push_back(m_.widths.at(key));
  }
  im.column_order = im.feature_names;
  return im;
}

CustomNetwork& custom(Network& network) { return dynamic_cast<CustomNetwork&>(network); }

// The model_fn's spec turned into a model: the features' Inputs to every
// tensor the spec reads (each once), and the head by output index.
CustomModel assemble(const Features& features, const EstimatorSpec& spec, ModeKeys mode,
                     int64_t label_width, uint64_t seed) {
  const std::string where = "model_fn in mode " + std::string(mode_name(mode)) + ": ";
  if (mode == ModeKeys::kPredict && spec.predictions.empty())
    throw InvalidArgumentError(where + "the EstimatorSpec needs predictions");
  if (mode != ModeKeys::kPredict && !spec.loss)
    throw InvalidArgumentError(where + "the EstimatorSpec needs a loss");
  if (mode == ModeKeys::kTrain && !spec.optimizer)
    throw InvalidArgumentError(where + "the EstimatorSpec needs an optimizer (its train_op)");
  if (features.inputs().empty()) throw InvalidArgumentError(where + "it reads no feature");
  std::vector<keras::KerasTensor> outputs;
  auto index_of = [&](const keras::KerasTensor& t) {
    for (size_t k = 0; k < outputs.size(); ++k) {
      if (outputs[k] == t) return k;
    }
    outputs.push_back(t);
    return outputs.size() - 1;
  };
  CustomHead head;
  for (const auto& [name, out] : spec.predictions) {
    head.predictions.emplace_back(name, HeadValue{index_of(out.tensor), out.op});
  }
  if (spec.loss) {
    head.loss = HeadLoss{spec.loss->kind, index_of(spec.loss->output), spec.loss->keras_name};
  }
  head.optimizer = spec.optimizer;
  for (const auto& [name, op] : spec.eval_metric_ops) {
    head.metrics.push_back({name, op.kind, {index_of(op.values.tensor), op.values.op}});
  }
  head.export_outputs = spec.export_outputs;
  std::vector<keras::KerasTensor> inputs;
  std::vector<std::vector<std::string>> input_keys;
  for (const auto& [input, keys] : features.inputs()) {
    inputs.push_back(input);
    input_keys.push_back(keys);
  }
  CustomModel m{.model = keras::Model::with_seed(inputs, outputs, seed, "model"),
                .input_keys = std::move(input_keys),
                .widths = features.widths(),
                .label_width = label_width,
                .head = std::move(head)};
  return m;
}

class CustomDefinitionBase : public ModelDefinition {
 public:
  std::string kind() const override { return kModelFnKind; }
  bool builds_from_recorded_widths() const override { return true; }

  std::unique_ptr<optim::Optimizer> make_optimizer(Network& network) const override {
    const std::optional<OptimizerSettings>& s = custom(network).model().head.optimizer;
    if (!s) throw InvalidArgumentError("model_fn returned no optimizer in mode train");
    auto optimizer = optim::make_optimizer(s->name, {.learning_rate = s->learning_rate});
    if (!optimizer) throw InvalidArgumentError("model_fn: unknown optimizer \"" + s->name + "\"");
    return optimizer;
  }

  tensorflow::GraphDef graph(Network& network,
                             const std::vector<VariableInfo>& variables) const override {
    return build_forward_model_graph(forward_graph(custom(network)), variables);
  }

  tensorflow::MetaGraphDef meta_graph(Network& network,
                                      const tensorflow::GraphDef& graph) const override {
    std::set<std::string> trainable;
    for (const nn::Variable* v : network.variables()) {
      if (v->trainable) trainable.insert(valid_node_name(v->name));
    }
    return build_meta_graph(graph, trainable, kCustomModelCollection,
                            custom(network).record().dump());
  }

  std::optional<std::string> recorded(const std::string& prefix,
                                      const std::optional<std::string>& meta) const override {
    return read_model_record(prefix, meta);
  }

  std::vector<std::string> compare(Network& network, const std::string& recorded) const override {
    return compare_records(custom(network).record(), OrderedJson::parse(recorded));
  }

  std::vector<data::NumericColumn> feature_columns(
      const std::optional<std::string>& recorded) const override {
    return columns_of(recorded);
  }

 protected:
  static std::vector<data::NumericColumn> columns_of(const std::optional<std::string>& recorded) {
    if (!recorded)
      throw NotFoundError("no checkpoint records this model's features: train it first");
    std::vector<data::NumericColumn> columns;
    const OrderedJson r = OrderedJson::parse(*recorded);
    for (const auto& [key, width] : r.at("feature_widths").items()) {
      columns.push_back(data::numeric_column(key, width.get<int64_t>()));
    }
    return columns;
  }

 public:
  bool unused_is_error(const std::string& key, const nn::VariableRefs& variables) const override {
    if (key == "global_step" || key.find('/') == std::string::npos) return false;
    for (const nn::Variable* v : variables) {
      if (key.starts_with(v->name + "/")) return false;  // an optimizer's slot
    }
    return true;  // another model's variable
  }

 protected:
  // The serving graph of the model where the SavedModel exporter takes its
  // layers, else the features' Placeholders alone.
  static tensorflow::GraphDef forward_graph(CustomNetwork& network) {
    try {
      Result<tensorflow::MetaGraphDef> meta = build_serving_meta_graph(network.inference_model());
      if (meta.ok()) return meta->graph_def();
    } catch (const Error&) {
    }
    GraphBuilder b;
    for (const auto& [key, width] : network.model().widths) {
      b.placeholder(valid_node_name(key), DType::kFloat32, {-1, width});
    }
    return b.release();
  }
};

class ModelFnDefinition : public CustomDefinitionBase {
 public:
  ModelFnDefinition(ModelFn fn, Params params) : fn_(std::move(fn)), params_(std::move(params)) {}

  std::unique_ptr<Network> build(const BuildRequest& request) const override {
    std::map<std::string, int64_t> widths;
    int64_t label_width = 1;
    if (request.first_batch != nullptr) {
      for (const auto& [key, m] : request.first_batch->features) widths[key] = m.cols();
      label_width = std::max<int64_t>(request.first_batch->labels.cols(), 1);
    } else if (request.recorded != nullptr) {
      const OrderedJson r = OrderedJson::parse(*request.recorded);
      widths = r.at("feature_widths").get<std::map<std::string, int64_t>>();
      label_width = r.at("label_width").get<int64_t>();
    } else {
      throw NotFoundError("no checkpoint records the features of this model_fn: train it first");
    }
    keras::FreshLayerNames names;  // "dense", "dense_1", ... on every call
    Features features(widths);
    const EstimatorSpec spec = fn_(features, Labels{label_width}, request.mode, params_);
    return std::make_unique<CustomNetwork>(
        assemble(features, spec, request.mode, label_width, request.seed), request.mode);
  }

 private:
  ModelFn fn_;
  Params params_;
};

class RecordedDefinition : public CustomDefinitionBase {
 public:
  RecordedDefinition(OrderedJson record, std::string source)
      : record_(std::move(record)), source_(std::move(source)) {}

  // The model's own features (the record it was made from), checkpoint or not.
  std::vector<data::NumericColumn> feature_columns(
      const std::optional<std::string>&) const override {
    return columns_of(record_.dump());
  }

  std::unique_ptr<Network> build(const BuildRequest& request) const override {
    try {
      CustomModel m{.model = keras::Model::from_config(record_.at("model"))};
      m.input_keys = record_.at("inputs").get<std::vector<std::vector<std::string>>>();
      m.widths = record_.at("feature_widths").get<std::map<std::string, int64_t>>();
      m.label_width = record_.at("label_width").get<int64_t>();
      m.head = CustomHead::from_json(nlohmann::json::parse(record_.at("head").dump()),
                                     m.model.output_names().size(), source_);
      if (m.input_keys.size() != m.model.input_names().size()) {
        throw DataLossError(source_ + ": the recorded inputs do not match the model's");
      }
      return std::make_unique<CustomNetwork>(std::move(m), request.mode);
    } catch (const OrderedJson::exception& e) {
      throw DataLossError(source_ + ": malformed model_fn record: " + e.what());
    }
  }

 private:
  OrderedJson record_;
  std::string source_;
};

}  // namespace

std::shared_ptr<const ModelDefinition> model_fn_definition(ModelFn model_fn, Params params) {
  return std::make_shared<ModelFnDefinition>(std::move(model_fn), std::move(params));
}

std::shared_ptr<const ModelDefinition> recorded_model_fn_definition(
    const std::string& prefix, const std::optional<std::string>& meta) {
  std::optional<std::string> record = read_model_record(prefix, meta);
  if (!record) return nullptr;
  OrderedJson json = OrderedJson::parse(*record);  // read_model_record checked it parses
  if (json.value("estimator", "") != kModelFnKind) return nullptr;
  return recorded_definition(std::move(json), checkpoint_meta_path(prefix));
}

std::shared_ptr<const ModelDefinition> recorded_definition(OrderedJson record, std::string source) {
  return std::make_shared<RecordedDefinition>(std::move(record), std::move(source));
}

}  // namespace cairn::estimator::internal
