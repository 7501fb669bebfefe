// CannedModel -> InferenceModel, and the Keras config TensorFlow.js rebuilds
// the same network from.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "estimator/canned_model.h"

namespace cairn::estimator::internal {
namespace {

using OrderedJson = nlohmann::ordered_json;

bool is_classifier(const ModelSpec& spec) { return spec.type != EstimatorType::kDNNRegressor; }

std::vector<InferenceOutput> head_outputs(const ModelSpec& spec) {
  using Kind = InferenceOutput::Kind;
  if (!is_classifier(spec)) return {{.name = "predictions", .kind = Kind::kLogits}};
  std::vector<InferenceOutput> outputs = {{.name = "logits", .kind = Kind::kLogits}};
  if (spec.n_classes == 2) outputs.push_back({.name = "logistic", .kind = Kind::kLogistic});
  outputs.push_back({.name = "probabilities", .kind = Kind::kProbabilities});
  outputs.push_back({.name = "class_ids", .kind = Kind::kClassIds});
  return outputs;
}

OrderedJson dense_config(const InferenceStep& step, const std::string& activation) {
  auto initializer = [](const char* name) {
    return OrderedJson{{"class_name", name}, {"config", OrderedJson::object()}};
  };
  return OrderedJson{{"class_name", "Dense"},
                     {"config", OrderedJson{{"name", step.name},
                                            {"trainable", true},
                                            {"dtype", "float32"},
                                            {"units", step.kernel.shape().dim(1)},
                                            {"activation", activation},
                                            {"use_bias", step.has_bias()},
                                            {"kernel_initializer", initializer("GlorotUniform")},
                                            {"bias_initializer", initializer("Zeros")},
                                            {"kernel_regularizer", nullptr},
                                            {"bias_regularizer", nullptr},
                                            {"activity_regularizer", nullptr},
                                            {"kernel_constraint", nullptr},
                                            {"bias_constraint", nullptr}}}};
}

// A Keras Sequential config of the same layers. Its last layer applies the
// head's activation (softmax, or sigmoid for a binary classifier), so a
// TensorFlow.js model outputs probabilities (binary: the logistic) where the
// other formats output every head tensor.
std::string keras_config(const ModelSpec& spec, const InferenceModel& m) {
  OrderedJson layers = OrderedJson::array();
  layers.push_back(OrderedJson{
      {"class_name", "InputLayer"},
      {"config", OrderedJson{{"batch_input_shape", OrderedJson::array({nullptr, m.input_width()})},
                             {"dtype", "float32"},
                             {"sparse", false},
                             {"ragged", false},
                             {"name", m.input_name}}}});
  for (size_t k = 0; k < m.steps.size(); ++k) {
    std::string activation = m.steps[k].activation;
    if (k + 1 == m.steps.size() && is_classifier(spec)) {
      activation = spec.n_classes == 2 ? "sigmoid" : "softmax";
    }
    layers.push_back(dense_config(m.steps[k], activation));
  }
  OrderedJson config{{"class_name", "Sequential"},
                     {"config", OrderedJson{{"name", m.name}, {"layers", layers}}},
                     {"keras_version", "2.4.0"},
                     {"backend", "tensorflow"}};
  return config.dump();
}

// Stacks the per-column kernels of a linear model into one [width, logits].
Tensor stacked_kernel(std::vector<nn::Dense>& columns, int64_t width, int64_t units) {
  Tensor kernel(DType::kFloat32, {width, units});
  float* out = kernel.flat<float>().data();
  for (nn::Dense& column : columns) {
    const auto values = column.kernel().value.flat<float>();
    out = std::copy(values.begin(), values.end(), out);
  }
  return kernel;
}

}  // namespace

InferenceModel CannedModel::inference_model() {
  InferenceModel m;
  m.name = is_dnn(spec_.type) ? "dnn" : "linear";
  m.input_name = "features";
  m.input_shape = {spec_.input_width()};
  for (const auto& column : columns_) {
    m.feature_names.push_back(column.key);
    m.feature_widths.push_back(column.shape);
  }
  for (const auto& column : spec_.feature_columns) m.column_order.push_back(column.key);
  const std::string activation(nn::activation_name(spec_.activation));
  for (size_t k = 0; k < hidden_.size(); ++k) {
    m.steps.push_back({.name = "hiddenlayer_" + std::to_string(k),
                       .kernel = hidden_[k].kernel().value,
                       .bias = hidden_[k].bias().value,
                       .activation = activation});
  }
  if (is_dnn(spec_.type)) {
    nn::Dense& logits = outputs_.front();
    m.steps.push_back(
        {.name = "logits", .kernel = logits.kernel().value, .bias = logits.bias().value});
  } else {
    m.steps.push_back(
        {.name = "linear_model",
         .kernel = stacked_kernel(outputs_, spec_.input_width(), spec_.logits_width()),
         .bias = linear_bias_->value});
  }
  m.outputs = head_outputs(spec_);
  m.binary_head = is_classifier(spec_) && spec_.n_classes == 2;
  m.keras_model_config = keras_config(spec_, m);
  return m;
}

}  // namespace cairn::estimator::internal
