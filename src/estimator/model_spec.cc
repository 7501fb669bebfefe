#include "cairn/estimator/model_spec.h"

#include <cmath>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/core/tensor_shape.h"
#include "cairn/formats/json_limits.h"

namespace cairn::estimator {
namespace {

using OrderedJson = nlohmann::ordered_json;

EstimatorType type_from_name(const std::string& name) {
  for (auto t : {EstimatorType::kDNNClassifier, EstimatorType::kDNNRegressor,
                 EstimatorType::kLinearClassifier}) {
    if (estimator_type_name(t) == name) return t;
  }
  throw InvalidArgumentError("unknown estimator type \"" + name + "\"");
}

// The checks of ModelSpec::validate; each throws naming `where_`, the field
// and its value.
class SpecChecker {
 public:
  SpecChecker(const ModelSpec& spec, const std::string& source)
      : spec_(spec), where_(source.empty() ? "model spec" : source + ": model spec") {}

  void check_all() {
    check_columns();
    if (spec_.type == EstimatorType::kDNNRegressor) {
      at_least(spec_.label_dimension, 1, "label_dimension");
    } else {
      at_least(spec_.n_classes, 2, "n_classes");
    }
    if (spec_.type != EstimatorType::kLinearClassifier) {
      check_hidden_units();
      check_activation();
    }
    if (!(spec_.dropout >= 0.0 && spec_.dropout < 1.0)) {
      refuse("dropout is " + std::to_string(spec_.dropout) + "; it must be in [0, 1)");
    }
    if (!(std::isfinite(spec_.learning_rate) && spec_.learning_rate > 0.0)) {
      refuse("learning_rate is " + std::to_string(spec_.learning_rate) +
             "; it must be a positive finite number");
    }
    check_parameter_count();
  }

 private:
  [[noreturn]] void refuse(const std::string& what) const {
    throw InvalidArgumentError(where_ + ": " + what);
  }
  void at_least(int64_t value, int64_t least, const std::string& field) const {
    if (value < least) {
      refuse(field + " is " + std::to_string(value) + "; it must be at least " +
             std::to_string(least));
    }
  }

  void check_columns() const {
    if (spec_.feature_columns.empty()) refuse("feature_columns is empty");
    std::set<std::string_view> keys;
    for (const auto& column : spec_.feature_columns) {
      at_least(column.shape, 1, "feature column '" + column.key + "' shape");
      if (!keys.insert(column.key).second) {
        refuse("feature column '" + column.key + "' appears twice");
      }
    }
  }

  void check_hidden_units() const {
    if (spec_.hidden_units.size() > kMaxHiddenLayers) {
      refuse("hidden_units lists " + std::to_string(spec_.hidden_units.size()) +
             " layers; at most " + std::to_string(kMaxHiddenLayers) + " are supported");
    }
    for (size_t k = 0; k < spec_.hidden_units.size(); ++k) {
      at_least(spec_.hidden_units[k], 1, "hidden_units[" + std::to_string(k) + "]");
    }
  }

  // The estimator's graph (model_graph.cc) and cairn's serving kernels run
  // the hidden activation as one TensorFlow op.
  void check_activation() const {
    using nn::Activation;
    for (Activation a : {Activation::kLinear, Activation::kRelu, Activation::kTanh,
                         Activation::kSigmoid, Activation::kElu, Activation::kSoftmax}) {
      if (spec_.activation == a) return;
    }
    refuse("activation_fn '" + std::string(nn::activation_name(spec_.activation)) +
           "' is not supported by estimators (they have relu, tanh, sigmoid, elu, softmax, "
           "linear)");
  }

  // Adds a [rows, cols] kernel (plus `biases`) to the running count.
  void add_layer(const std::string& layer, int64_t rows, int64_t cols, int64_t biases) {
    TensorShape shape({rows, cols});
    int64_t weights = shape.checked_num_elements(kMaxModelParameters);
    if (weights < 0 || weights + biases > kMaxModelParameters - parameters_) {
      throw ResourceExhaustedError(where_ + ": layer " + layer + " has a kernel of shape " +
                                   shape.to_string() + ", which takes the model past " +
                                   std::to_string(kMaxModelParameters) +
                                   " weights (kMaxModelParameters, 1 GiB of float32)");
    }
    parameters_ += weights + biases;
  }

  // The summed width of the feature columns, bounded like a layer.
  int64_t input_width() const {
    int64_t width = 0;
    for (const auto& column : spec_.feature_columns) {
      if (column.shape > kMaxModelParameters - width) {
        throw ResourceExhaustedError(where_ + ": feature column '" + column.key + "' (shape " +
                                     std::to_string(column.shape) +
                                     ") takes the input layer past " +
                                     std::to_string(kMaxModelParameters) + " values");
      }
      width += column.shape;
    }
    return width;
  }

  void check_parameter_count() {
    const int64_t logits = spec_.logits_width();
    if (spec_.type == EstimatorType::kLinearClassifier) {
      for (const auto& column : spec_.feature_columns) {
        add_layer("linear/linear_model/" + column.key, column.shape, logits, 0);
      }
      add_layer("linear/linear_model/bias_weights", 1, logits, 0);
      return;
    }
    int64_t width = input_width();
    for (size_t k = 0; k < spec_.hidden_units.size(); ++k) {
      add_layer("dnn/hiddenlayer_" + std::to_string(k), width, spec_.hidden_units[k],
                spec_.hidden_units[k]);
      width = spec_.hidden_units[k];
    }
    add_layer("dnn/logits", width, logits, logits);
  }

  const ModelSpec& spec_;
  const std::string where_;
  int64_t parameters_ = 0;
};

}  // namespace

void ModelSpec::validate(const std::string& source) const {
  SpecChecker(*this, source).check_all();
}

std::string_view estimator_type_name(EstimatorType type) {
  switch (type) {
    case EstimatorType::kDNNClassifier:
      return "DNNClassifier";
    case EstimatorType::kDNNRegressor:
      return "DNNRegressor";
    case EstimatorType::kLinearClassifier:
      return "LinearClassifier";
  }
  return "DNNClassifier";
}

bool is_dnn(EstimatorType type) { return type != EstimatorType::kLinearClassifier; }

int64_t ModelSpec::input_width() const {
  int64_t width = 0;
  for (const auto& c : feature_columns) width += c.shape;
  return width;
}

int64_t ModelSpec::logits_width() const {
  if (type == EstimatorType::kDNNRegressor) return label_dimension;
  return n_classes == 2 ? 1 : n_classes;
}

std::string ModelSpec::to_json() const {
  OrderedJson columns = OrderedJson::array();
  for (const auto& c : feature_columns) columns.push_back({{"key", c.key}, {"shape", c.shape}});
  OrderedJson doc = {{"estimator", estimator_type_name(type)},
                     {"feature_columns", columns},
                     {"hidden_units", hidden_units},
                     {"n_classes", n_classes},
                     {"label_dimension", label_dimension},
                     {"activation", nn::activation_name(activation)},
                     {"dropout", dropout},
                     {"optimizer", optimizer},
                     {"learning_rate", learning_rate},
                     {"kernel_name", kernel_name},
                     {"bias_name", bias_name}};
  return doc.dump();
}

namespace {

// An integer field; a float (1e30) or an out-of-range number is refused
// rather than converted.
int64_t integer(const OrderedJson& value, const std::string& field) {
  if (value.is_number_integer() &&
      (!value.is_number_unsigned() ||
       value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    return value.get<int64_t>();
  }
  throw InvalidArgumentError(field + " is " + value.dump() + ", not an integer");
}

std::vector<int64_t> integers(const OrderedJson& list, const std::string& field) {
  if (!list.is_array()) throw InvalidArgumentError(field + " is not a list");
  std::vector<int64_t> out;
  for (size_t k = 0; k < list.size(); ++k) {
    out.push_back(integer(list[k], field + "[" + std::to_string(k) + "]"));
  }
  return out;
}

ModelSpec spec_from_document(const OrderedJson& doc) {
  ModelSpec spec;
  spec.type = type_from_name(doc.at("estimator").get<std::string>());
  for (const auto& c : doc.at("feature_columns")) {
    std::string key = c.at("key").get<std::string>();
    int64_t shape = integer(c.at("shape"), "feature column '" + key + "' shape");
    spec.feature_columns.push_back({std::move(key), shape});
  }
  spec.hidden_units = integers(doc.at("hidden_units"), "hidden_units");
  spec.n_classes = integer(doc.at("n_classes"), "n_classes");
  spec.label_dimension = integer(doc.value("label_dimension", OrderedJson(1)), "label_dimension");
  auto activation = nn::activation_from_name(doc.at("activation").get<std::string>());
  if (!activation) throw InvalidArgumentError("unknown activation in model spec");
  spec.activation = *activation;
  spec.dropout = doc.value("dropout", 0.0);
  spec.optimizer = doc.at("optimizer").get<std::string>();
  spec.learning_rate = doc.at("learning_rate").get<double>();
  spec.kernel_name = doc.value("kernel_name", std::string("kernel"));
  spec.bias_name = doc.value("bias_name", std::string("bias"));
  return spec;
}

}  // namespace

ModelSpec ModelSpec::from_json(const std::string& text, const std::string& source) {
  const std::string where = source.empty() ? "model spec" : source + ": model spec";
  OrderedJson doc = value_or_throw(parse_untrusted_json(text, where));
  ModelSpec spec;
  try {
    spec = spec_from_document(doc);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgumentError(where + ": malformed model spec JSON: " + e.what());
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError(where + ": " + e.what());
  }
  spec.validate(source);
  return spec;
}

}  // namespace cairn::estimator
