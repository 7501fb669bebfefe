#include "estimator/canned_model.h"

#include <cmath>

#include "cairn/core/errors.h"
#include "cairn/data/feature_column.h"
#include "estimator/head_ops.h"

namespace cairn::estimator::internal {

CannedModel::CannedModel(const ModelSpec& spec, uint64_t seed)
    : spec_(spec), rng_(seed), columns_(data::sorted_columns(spec.feature_columns)) {
  if (is_dnn(spec_.type)) {
    int64_t width = spec_.input_width();
    for (size_t k = 0; k < spec_.hidden_units.size(); ++k) {
      hidden_.emplace_back(nn::DenseOptions{.name = "dnn/hiddenlayer_" + std::to_string(k),
                                            .input_dim = width,
                                            .units = spec_.hidden_units[k],
                                            .activation = spec_.activation,
                                            .kernel_name = spec_.kernel_name,
                                            .bias_name = spec_.bias_name});
      dropouts_.emplace_back(spec_.dropout);
      width = spec_.hidden_units[k];
    }
    outputs_.emplace_back(nn::DenseOptions{.name = "dnn/logits",
                                           .input_dim = width,
                                           .units = spec_.logits_width(),
                                           .kernel_name = spec_.kernel_name,
                                           .bias_name = spec_.bias_name});
  } else {
    for (const auto& column : columns_) {
      outputs_.emplace_back(nn::DenseOptions{.name = "linear/linear_model/" + column.key,
                                             .input_dim = column.shape,
                                             .units = spec_.logits_width(),
                                             .use_bias = false,
                                             .kernel_name = "weights"});
    }
    Tensor bias(DType::kFloat32, {spec_.logits_width()});
    linear_bias_ = nn::Variable{"linear/linear_model/bias_weights", bias, true, bias};
  }
  for (auto& layer : hidden_) layer.initialize(rng_);
  for (auto& layer : outputs_) layer.initialize(rng_);
  if (!is_dnn(spec_.type)) {  // TensorFlow's linear models start from zeros
    for (auto& layer : outputs_) nn::as_matrix(layer.kernel().value).setZero();
  }
}

nn::VariableRefs CannedModel::variables() {
  nn::VariableRefs refs;
  for (auto& layer : hidden_) {
    for (nn::Variable* v : layer.variables()) refs.push_back(v);
  }
  for (auto& layer : outputs_) {
    for (nn::Variable* v : layer.variables()) refs.push_back(v);
  }
  if (linear_bias_) refs.push_back(&*linear_bias_);
  return refs;
}

nn::Matrix CannedModel::forward(const data::FeatureMap& features, bool training) {
  if (!is_dnn(spec_.type)) {
    linear_inputs_.clear();
    nn::Matrix logits;
    for (size_t k = 0; k < columns_.size(); ++k) {
      nn::Matrix x = data::input_layer(features, {columns_[k]});
      nn::Matrix part = outputs_[k].forward(x);
      logits = k == 0 ? part : nn::Matrix(logits + part);
    }
    logits.rowwise() += nn::as_matrix(linear_bias_->value).row(0);
    return logits;
  }
  nn::Matrix x = data::input_layer(features, columns_);
  for (size_t k = 0; k < hidden_.size(); ++k) {
    x = hidden_[k].forward(x);
    x = dropouts_[k].forward(x, training, rng_);
  }
  return outputs_.front().forward(x);
}

void CannedModel::backward(const nn::Matrix& dlogits) {
  if (!is_dnn(spec_.type)) {
    for (auto& layer : outputs_) layer.backward(dlogits);
    nn::as_matrix(linear_bias_->gradient) = dlogits.colwise().sum();
    return;
  }
  // The first layer's input gradient (wrt the features) is not needed.
  nn::Matrix d = outputs_.front().backward(dlogits, {.input_gradient = !hidden_.empty()});
  for (size_t k = hidden_.size(); k-- > 0;) {
    d = dropouts_[k].backward(d);
    d = hidden_[k].backward(d, {.input_gradient = k > 0});
  }
}

nn::LossResult head_loss(const ModelSpec& spec, const nn::Matrix& logits,
                         const nn::Matrix& labels) {
  if (spec.type == EstimatorType::kDNNRegressor) {
    if (labels.cols() != logits.cols()) {
      throw InvalidArgumentError("labels have " + std::to_string(labels.cols()) +
                                 " columns; the regressor predicts " +
                                 std::to_string(logits.cols()));
    }
    return nn::mean_squared_error(logits, labels);
  }
  std::vector<int64_t> ids = class_ids(labels, spec.n_classes);
  if (spec.logits_width() == 1) return nn::sigmoid_cross_entropy(logits, ids);
  return nn::softmax_cross_entropy(logits, ids);
}

std::vector<Prediction> head_predictions(const ModelSpec& spec, const nn::Matrix& logits) {
  std::vector<Prediction> out(static_cast<size_t>(logits.rows()));
  nn::Matrix probs;
  if (spec.type != EstimatorType::kDNNRegressor) probs = apply_op(Output::Op::kSoftmax, logits);
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    Prediction& p = out[static_cast<size_t>(r)];
    p.logits.assign(logits.row(r).data(), logits.row(r).data() + logits.cols());
    if (spec.type == EstimatorType::kDNNRegressor) {
      p.predictions = p.logits;
      continue;
    }
    p.probabilities.assign(probs.row(r).data(), probs.row(r).data() + probs.cols());
    Eigen::Index best = 0;
    probs.row(r).maxCoeff(&best);
    p.class_id = best;
  }
  return out;
}

double default_learning_rate(const ModelSpec& spec) {
  if (spec.type == EstimatorType::kLinearClassifier) {
    double n = static_cast<double>(std::max<size_t>(spec.feature_columns.size(), 1));
    return std::min(0.2, 1.0 / std::sqrt(n));
  }
  return 0.05;
}

}  // namespace cairn::estimator::internal
