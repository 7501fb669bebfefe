// ModelSpec: everything needed to rebuild a canned Estimator's model from its
// model directory alone: the estimator type, feature columns, layer sizes,
// activation and optimizer. It is recorded inside every model.ckpt-N.meta
// (as JSON in the MetaGraphDef's "cairn_model_spec" collection), so a
// directory trained once can be evaluated or served without repeating flags.
//
//   cairn::estimator::ModelSpec spec{
//       .type = cairn::estimator::EstimatorType::kDNNClassifier,
//       .feature_columns = {cairn::data::numeric_column("SepalLength"), ...},
//       .hidden_units = {10, 10},
//       .n_classes = 3};
//   std::string json = spec.to_json();
//   cairn::estimator::ModelSpec back = cairn::estimator::ModelSpec::from_json(json);
#pragma once

#include <string>
#include <vector>

#include "cairn/data/feature_column.h"
#include "cairn/nn/activation.h"

namespace cairn::estimator {

enum class EstimatorType { kDNNClassifier, kDNNRegressor, kLinearClassifier };

// "DNNClassifier", "DNNRegressor", "LinearClassifier".
std::string_view estimator_type_name(EstimatorType type);
// Whether models of `type` have hidden layers (the DNN estimators; the linear
// ones are one layer from the inputs to the logits).
bool is_dnn(EstimatorType type);

struct ModelSpec {
  EstimatorType type = EstimatorType::kDNNClassifier;
  // In the order declared (the column order of CSV input); the input layer
  // concatenates them sorted by key, as TensorFlow does.
  std::vector<data::NumericColumn> feature_columns;
  std::vector<int64_t> hidden_units;  // DNN only
  int64_t n_classes = 2;              // classifiers
  int64_t label_dimension = 1;        // regressors
  nn::Activation activation = nn::Activation::kRelu;
  double dropout = 0.0;
  std::string optimizer = "Adagrad";
  double learning_rate = 0.05;
  // Variable naming: TF 1.0 canned estimators used "weights"/"biases".
  std::string kernel_name = "kernel";
  std::string bias_name = "bias";

  // Total width of the input layer.
  int64_t input_width() const;
  // Width of the logits layer (n_classes, 1 for binary classifiers, or label_dimension).
  int64_t logits_width() const;

  // Refuses a spec no model can be built from, before anything is
  // allocated: InvalidArgumentError naming `source` (a file, or "" for flags
  // and the API), the field and its value for a unit, class, label or feature
  // width below 1 (or n_classes below 2), a dropout outside [0, 1), a learning
  // rate that is not a positive finite number, or a repeated feature key;
  // ResourceExhaustedError naming the layer and its shape when the model
  // would hold more than kMaxModelParameters weights.
  void validate(const std::string& source = "") const;

  std::string to_json() const;
  // Throws InvalidArgumentError for malformed JSON or unknown values, and
  // whatever validate(source) throws; `source` names where the text came from.
  static ModelSpec from_json(const std::string& json, const std::string& source = "");
};

// The most weights (kernels and biases, float32) a canned model may hold:
// 2^28, 1 GiB per copy (training keeps the value, its gradient and
// optimizer slots). Far above what a CSV-trained canned Estimator needs.
inline constexpr int64_t kMaxModelParameters = int64_t{1} << 28;
// The most hidden layers a DNN spec may list.
inline constexpr size_t kMaxHiddenLayers = 1024;

}  // namespace cairn::estimator
