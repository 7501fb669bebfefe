// A model_fn's model as a Network (custom_network.h).
#include "estimator/custom_network.h"

#include <algorithm>
#include <cmath>

#include "cairn/core/errors.h"
#include "estimator/custom_definition.h"
#include "estimator/head_ops.h"

namespace cairn::estimator::internal {
namespace {

using OrderedJson = nlohmann::ordered_json;

// Rows are contiguous (nn::Matrix is row-major).
void set_prediction(Prediction& p, const std::string& name, const float* row, Eigen::Index size) {
  std::vector<float>& values = p.outputs[name];
  values.assign(row, row + size);
  if (name == "class_ids" && !values.empty()) p.class_id = std::lround(values[0]);
  if (name == "probabilities") p.probabilities = values;
  if (name == "logits") p.logits = values;
  if (name == "predictions") p.predictions = values;
}

const nn::Matrix& feature(const data::FeatureMap& features, const std::string& key) {
  auto it = features.find(key);
  if (it != features.end()) return it->second;
  std::string keys;
  for (const auto& [k, m] : features) keys += (keys.empty() ? "" : ", ") + k;
  throw InvalidArgumentError("the model reads feature '" + key +
                             "', which the input does not have (it has: " + keys + ")");
}

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

}  // namespace

CustomNetwork::CustomNetwork(CustomModel m, ModeKeys mode) : m_(std::move(m)), mode_(mode) {
  for (const HeadMetric& metric : m_.head.metrics) accumulators_.emplace_back(metric.kind);
}

nn::LossResult CustomNetwork::loss(const data::Batch& batch, bool training) {
  if (!m_.head.loss) {
    throw InvalidArgumentError("model_fn returned no loss in mode " +
                               std::string(mode_name(mode_)));
  }
  outputs_ = m_.model.call(inputs(batch.features), training);
  return head_loss(*m_.head.loss, *outputs_[m_.head.loss->output], batch.labels);
}

void CustomNetwork::backward(const nn::Matrix& gradient) {
  std::vector<nn::Matrix> gradients(outputs_.size());
  gradients[m_.head.loss->output] = gradient;
  m_.model.backward(gradients);
}

void CustomNetwork::add_eval_batch(const data::Batch& batch, const nn::LossResult&) {
  for (size_t k = 0; k < m_.head.metrics.size(); ++k) {
    const HeadValue& v = m_.head.metrics[k].value;
    accumulators_[k].add(batch.labels, apply_op(v.op, *outputs_[v.output]));
  }
}

std::map<std::string, double> CustomNetwork::eval_metrics() const {
  std::map<std::string, double> out;
  for (size_t k = 0; k < m_.head.metrics.size(); ++k) {
    out[m_.head.metrics[k].name] = accumulators_[k].result();
  }
  return out;
}

std::vector<Prediction> CustomNetwork::predict(const data::FeatureMap& features) {
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

OrderedJson CustomNetwork::record() const {
  OrderedJson widths = OrderedJson::object();
  for (const auto& [key, width] : m_.widths) widths[key] = width;
  OrderedJson r = {{"estimator", kModelFnKind},
                   {"mode", mode_name(mode_)},
                   {"feature_widths", widths},
                   {"label_width", m_.label_width},
                   {"inputs", m_.input_keys},
                   {"model", m_.model.get_config()},
                   {"head", OrderedJson(m_.head.to_json())}};
  if (!m_.column_order.empty()) r["column_order"] = m_.column_order;
  if (!m_.predict_record.is_null()) r["predict"] = m_.predict_record;
  return r;
}

std::vector<const nn::Matrix*> CustomNetwork::inputs(const data::FeatureMap& features) {
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

CustomModel model_from_record(const OrderedJson& r, const std::string& source) {
  try {
    CustomModel m{.model = keras::Model::from_config(r.at("model"))};
    m.input_keys = r.at("inputs").get<std::vector<std::vector<std::string>>>();
    m.widths = r.at("feature_widths").get<std::map<std::string, int64_t>>();
    m.label_width = r.at("label_width").get<int64_t>();
    m.column_order = r.value("column_order", std::vector<std::string>{});
    m.head = CustomHead::from_json(nlohmann::json::parse(r.at("head").dump()),
                                   m.model.output_names().size(), source);
    m.predict_record = r.value("predict", OrderedJson());
    if (m.input_keys.size() != m.model.input_names().size()) {
      throw DataLossError(source + ": the recorded inputs do not match the model's");
    }
    return m;
  } catch (const OrderedJson::exception& e) {
    throw DataLossError(source + ": malformed model_fn record: " + e.what());
  }
}

InferenceModel CustomNetwork::inference_model() {
  if (m_.head.predictions.empty() && !m_.predict_record.is_null()) {
    CustomNetwork predict(model_from_record(m_.predict_record, "the PREDICT model"),
                          ModeKeys::kPredict);
    std::map<std::string, const nn::Variable*> ours;
    for (const nn::Variable* v : m_.model.weights()) ours[v->name] = v;
    for (nn::Variable* v : predict.m_.model.weights()) {
      auto it = ours.find(v->name);
      if (it != ours.end() && it->second->value.shape() == v->value.shape()) {
        v->value = it->second->value;
      }
    }
    return predict.inference_model();
  }
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
  if (std::is_permutation(m_.column_order.begin(), m_.column_order.end(), im.feature_names.begin(),
                          im.feature_names.end())) {
    im.column_order = m_.column_order;
  }
  return im;
}

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

}  // namespace cairn::estimator::internal
