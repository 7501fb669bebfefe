#include "estimator/variable_restore.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "cairn/core/errors.h"

namespace cairn::estimator::internal {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// TF 1.0 spelled kernel/bias as weights/biases.
std::string old_spelling(const std::string& var) {
  if (ends_with(var, "/kernel")) return var.substr(0, var.size() - 6) + "weights";
  if (ends_with(var, "/bias")) return var.substr(0, var.size() - 4) + "biases";
  return var;
}

std::string join(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string columns_text(const std::vector<data::NumericColumn>& columns) {
  std::string s = "[";
  for (size_t i = 0; i < columns.size(); ++i) {
    s += (i ? ", " : "") + columns[i].key + ":" + std::to_string(columns[i].shape);
  }
  return s + "]";
}

void add_list(std::string* out, const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  *out += "\n  " + title + " (" + std::to_string(items.size()) + "):";
  for (const auto& item : items) *out += "\n    " + item;
}

const BundleEntry* lookup(const CheckpointReader& reader, const std::string& name,
                          const std::map<std::string, std::string>& name_map) {
  auto mapped = name_map.find(name);
  if (mapped != name_map.end()) return reader.bundle().find(mapped->second);
  for (const std::string& candidate : candidate_names(name)) {
    if (const BundleEntry* e = reader.bundle().find(candidate)) return e;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> candidate_names(const std::string& name) {
  std::vector<std::string> names = {name};
  const std::string slot_marker = "/t_0/";
  size_t slot = name.find(slot_marker);
  if (slot == std::string::npos) {
    if (old_spelling(name) != name) names.push_back(old_spelling(name));
    return names;
  }
  std::string var = name.substr(0, slot);
  std::string slot_name = name.substr(slot + slot_marker.size());
  for (const std::string& v : {var, old_spelling(var)}) {
    names.push_back(v + slot_marker + slot_name);
    names.push_back(v + "/" + slot_name);
    if (slot_name == "Adagrad") names.push_back("training/Adagrad/" + v + "/accumulator");
  }
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string RestoreReport::message(const std::string& checkpoint) const {
  std::string out = "Restoring from checkpoint " + checkpoint +
                    " failed: the model does not match the checkpoint.";
  add_list(&out, "Configuration recorded with the checkpoint differs", config_diffs);
  add_list(&out, "Shape or dtype mismatches", mismatched);
  add_list(&out, "In the model but not in the checkpoint", missing);
  add_list(&out, "In the checkpoint but not in the model", unexpected);
  out +=
      "\nThe checkpoint was written by a different model. Train this model in a new model_dir, "
      "or build the model that wrote this one (keep a copy of the code that created each "
      "model_dir). Nothing in the model directory was changed.";
  return out;
}

RestoreReport check_restore(const CheckpointReader& reader, const nn::VariableRefs& variables,
                            const std::map<std::string, std::string>& name_map, bool require_all) {
  RestoreReport report;
  std::set<std::string> used;
  for (const nn::Variable* v : variables) {
    const BundleEntry* e = lookup(reader, v->name, name_map);
    if (e == nullptr) {
      if (require_all) {
        report.missing.push_back(v->name + " " + std::string(dtype_name(v->value.dtype())) + " " +
                                 v->value.shape().to_string());
      }
      continue;
    }
    used.insert(e->name);
    if (!(e->shape == v->value.shape()) || e->dtype != v->value.dtype()) {
      report.mismatched.push_back(
          v->name + ": model " + v->value.shape().to_string() +
          (e->dtype != v->value.dtype() ? " " + std::string(dtype_name(v->value.dtype())) : "") +
          ", checkpoint " + e->shape.to_string() +
          (e->dtype != v->value.dtype() ? " " + std::string(dtype_name(e->dtype)) : ""));
    }
  }
  for (const BundleEntry& e : reader.bundle().entries()) {
    if (!used.count(e.name)) {
      report.unexpected.push_back(e.name + " " + std::string(dtype_name(e.dtype)) + " " +
                                  e.shape.to_string());
    }
  }
  return report;
}

void restore_variables(const CheckpointReader& reader, const nn::VariableRefs& variables,
                       const std::map<std::string, std::string>& name_map, bool require_all,
                       const std::vector<std::string>& config_diffs) {
  RestoreReport report = check_restore(reader, variables, name_map, require_all);
  report.config_diffs = config_diffs;
  if (!report.ok()) throw InvalidArgumentError(report.message(reader.prefix()));
  for (nn::Variable* v : variables) {
    const BundleEntry* e = lookup(reader, v->name, name_map);
    if (e == nullptr) continue;
    if (v->value.dtype() == e->dtype && v->value.shape() == e->shape) {
      reader.read_into(e->name, v->value);  // the variable's own memory: no allocation
    } else {
      v->value = reader.get_tensor(e->name);
    }
  }
}

std::vector<std::string> compare_specs(const ModelSpec& model, const ModelSpec& recorded) {
  std::vector<std::string> diffs;
  auto differ = [&](const std::string& what, const std::string& m, const std::string& c) {
    if (m != c) diffs.push_back(what + ": model " + m + ", checkpoint " + c);
  };
  differ("estimator", std::string(estimator_type_name(model.type)),
         std::string(estimator_type_name(recorded.type)));
  differ("hidden_units", join(model.hidden_units), join(recorded.hidden_units));
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
