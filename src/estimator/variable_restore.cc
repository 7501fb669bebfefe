#include "estimator/variable_restore.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"

namespace cairn::estimator::internal {
namespace {

std::string bracketed(const std::vector<int64_t>& v) { return "[" + join(v, ", ") + "]"; }

std::string columns_text(const std::vector<data::NumericColumn>& columns) {
  std::string s = "[";
  for (size_t i = 0; i < columns.size(); ++i) {
    s += (i ? ", " : "") + columns[i].key + ":" + std::to_string(columns[i].shape);
  }
  return s + "]";
}

}  // namespace

RestorePlan variable_restore_plan(const nn::VariableRefs& variables,
                                  const std::map<std::string, std::string>& name_map) {
  RestorePlan plan;
  for (nn::Variable* v : variables) {
    plan.targets.push_back({v->name, warm_start_keys(v->name, name_map), &v->value});
  }
  return plan;
}

std::vector<std::string> compare_specs(const ModelSpec& model, const ModelSpec& recorded) {
  std::vector<std::string> diffs;
  auto differ = [&](const std::string& what, const std::string& m, const std::string& c) {
    if (m != c) diffs.push_back(what + ": model " + m + ", checkpoint " + c);
  };
  differ("estimator", std::string(estimator_type_name(model.type)),
         std::string(estimator_type_name(recorded.type)));
  differ("hidden_units", bracketed(model.hidden_units), bracketed(recorded.hidden_units));
  if (model.type != EstimatorType::kDNNRegressor) {
    differ("n_classes", std::to_string(model.n_classes), std::to_string(recorded.n_classes));
  } else {
    differ("label_dimension", std::to_string(model.label_dimension),
           std::to_string(recorded.label_dimension));
  }
  differ("activation", std::string(nn::activation_name(model.activation)),
         std::string(nn::activation_name(recorded.activation)));
  differ("feature_columns", columns_text(data::sorted_columns(model.feature_columns)),
         columns_text(data::sorted_columns(recorded.feature_columns)));
  return diffs;
}

std::optional<ModelSpec> infer_spec(const CheckpointReader& reader) {
  ModelSpec spec;
  auto shape_of = [&](const std::string& name) -> const TensorShape* {
    const BundleEntry* e = reader.bundle().find(name);
    return e ? &e->shape : nullptr;
  };
  for (const char* kernel : {"kernel", "weights"}) {
    const TensorShape* logits = shape_of(std::string("dnn/logits/") + kernel);
    if (logits == nullptr || logits->rank() != 2) continue;
    spec.kernel_name = kernel;
    spec.bias_name = std::string(kernel) == "kernel" ? "bias" : "biases";
    int64_t input_width = logits->dim(0);
    for (int k = 0;; ++k) {
      const TensorShape* h =
          shape_of("dnn/hiddenlayer_" + std::to_string(k) + "/" + std::string(kernel));
      if (h == nullptr || h->rank() != 2) break;
      if (k == 0) input_width = h->dim(0);
      spec.hidden_units.push_back(h->dim(1));
    }
    spec.n_classes = logits->dim(1) == 1 ? 2 : logits->dim(1);
    spec.feature_columns = {data::numeric_column("x", input_width)};
    return spec;
  }
  return std::nullopt;
}

}  // namespace cairn::estimator::internal
