#include "keras/saving/weights_tf.h"

#include <type_traits>

#include <map>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/object_graph.h"
#include "cairn/keras/model.h"
#include "keras/tensor_rows.h"

namespace cairn::keras::internal {

std::string weight_suffix(const std::string& name) {
  std::string base = name.substr(name.rfind('/') + 1);
  const size_t colon = base.rfind(':');
  return colon == std::string::npos ? base : base.substr(0, colon);
}

std::string without_device_suffix(const std::string& name) {
  const size_t colon = name.rfind(':');
  return colon == std::string::npos ? name : name.substr(0, colon);
}

std::string weight_path_from_name(const std::string& weight_name) {
  const std::string full = without_device_suffix(weight_name);
  std::vector<std::string> parts;
  for (size_t begin = 0;;) {
    const size_t slash = full.find('/', begin);
    parts.push_back(full.substr(begin, slash - begin));
    if (slash == std::string::npos) break;
    begin = slash + 1;
  }
  std::string path;
  // parts[0] is the layer (or, in Keras 3, the model); the last is the weight.
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (parts[i].starts_with("forward_")) {
      path += "forward_layer/";
    } else if (parts[i].starts_with("backward_")) {
      path += "backward_layer/";
    } else if (i + 2 == parts.size() && parts[i].find("_cell") != std::string::npos) {
      path += "cell/";
    }
  }
  return path + parts.back();
}

std::string layer_weight_key(const std::string& layer_object, const std::string& weight_name) {
  return object_variable_key(layer_object + "/" + weight_path_from_name(weight_name));
}

namespace {

// "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE".
std::string iterations_key() {
  return object_variable_key(std::string("optimizer/") + kOptimizerIterations);
}

struct KeyedVariable {
  std::string key;        // object-based checkpoint key
  std::string full_name;  // Keras's variable name ("dense/kernel", "Adam/iter")
  nn::Variable* variable;
};

// Layer weights in order, keyed in `scheme`.
template <class M>
std::vector<KeyedVariable> layer_variables(
    const M& model, KerasKeyScheme scheme = KerasKeyScheme::kLayerWithWeights) {
  std::vector<KeyedVariable> out;
  int weighted = 0;
  for (size_t i = 0; i < model.layers().size(); ++i) {
    nn::VariableRefs weights = model.layers()[i]->weights();
    if (weights.empty()) continue;
    const std::string object = keras_layer_object(scheme, i, weighted++);
    for (nn::Variable* w : weights) {
      const std::string key =
          scheme == KerasKeyScheme::kVariableName
              ? w->name
              : object_variable_key(object + "/" + model.layers()[i]->weight_path(*w));
      out.push_back({key, w->name, w});
    }
  }
  return out;
}

// Slot variables: "<layer key path>/.OPTIMIZER_SLOT/optimizer/<slot>/...", by slot then variable.
template <class M>
std::vector<KeyedVariable> slot_variables(const M& model,
                                          const std::vector<KeyedVariable>& layer_vars) {
  std::vector<KeyedVariable> out;
  optim::Optimizer* opt = model.optimizer();
  if (opt == nullptr) return out;
  for (const std::string& slot : opt->slot_names()) {
    for (const KeyedVariable& lv : layer_vars) {
      nn::Variable* variable = optimizer_slot(model, *lv.variable, slot);
      if (variable == nullptr) continue;
      out.push_back({object_slot_key(lv.key, slot),
                     std::string(opt->name()) + "/" + lv.full_name + "/" + slot, variable});
    }
  }
  return out;
}

}  // namespace

template <class M>
NamedTensors optimizer_hyperparameters(const M& model) {
  NamedTensors out;
  if (model.optimizer() == nullptr) return out;
  const Json config = model.compile_options().optimizer.to_json()["config"];
  for (const auto& [name, value] : config.items()) {
    if (!value.is_number() || name == "epsilon" || name == "initial_accumulator_value") continue;
    out.emplace_back(name, Tensor::scalar<float>(value.template get<float>()));
  }
  return out;
}

template <class M>
nn::Variable* optimizer_slot(const M& model, const nn::Variable& weight, const std::string& slot) {
  if (model.optimizer() == nullptr) return nullptr;
  const std::string name = weight.name + "/" + slot;
  for (nn::Variable* v : model.optimizer()->variables()) {
    if (v->name == name) return v;
  }
  return nullptr;
}

template <class M>
TfWeights collect_tf_weights(M& model, const NamedTensors& extra) {
  std::vector<KeyedVariable> vars = layer_variables(model);
  if (vars.empty()) throw FailedPreconditionError("save_weights: the model has no weights yet");
  model.build_optimizer();
  std::vector<ObjectGraphVariable> graph_vars;
  TfWeights out;
  // Owned values live in a deque: references to them stay valid as it grows.
  auto own = [&out](Tensor t) { return &out.owned.emplace_back(std::move(t)); };
  NamedTensorRefs& tensors = out.refs;
  for (const KeyedVariable& v : vars) {
    graph_vars.push_back({v.key, v.full_name});
    tensors.emplace_back(v.key, &v.variable->value);
  }
  if (optim::Optimizer* opt = model.optimizer()) {
    const std::string opt_name(opt->name());
    graph_vars.push_back({iterations_key(), opt_name + "/" + kOptimizerIterations});
    tensors.emplace_back(iterations_key(), own(Tensor::scalar<int64_t>(opt->iterations())));
    for (auto& [name, value] : optimizer_hyperparameters(model)) {
      graph_vars.push_back({object_variable_key("optimizer/" + name), opt_name + "/" + name});
      tensors.emplace_back(object_variable_key("optimizer/" + name), own(value));
    }
    for (const KeyedVariable& s : slot_variables(model, vars)) {
      graph_vars.push_back({s.key, s.full_name});
      tensors.emplace_back(s.key, &s.variable->value);
    }
  }
  for (const auto& [key, value] : extra) {
    graph_vars.push_back({key, ""});
    tensors.emplace_back(key, &value);
  }
  ObjectGraph graph = value_or_throw(object_graph_from_variables(graph_vars));
  tensors.emplace_back(std::string(kObjectGraphKey),
                       own(Tensor::from_strings({serialize_object_graph(graph)}, {})));
  return out;
}

template <class M>
void save_tf_weights(FileSystem& fs, M& model, const std::string& prefix,
                     const NamedTensors& extra) {
  save_variables(prefix, collect_tf_weights(model, extra).refs, {}, fs);
}

namespace {

// The key of the first layer's kernel in `scheme`.
template <class M>
std::string first_kernel_key(const M& model, KerasKeyScheme scheme) {
  if (scheme == KerasKeyScheme::kVariableName) return model.layers().at(0)->name() + "/kernel";
  return object_variable_key(keras_layer_object(scheme, 0, 0) + "/kernel");
}

// The key of the first weight of the first layer that has weights
// ("layer-0/gamma" for a model that starts with BatchNormalization); an
// unbuilt model's first layer's kernel.
template <class M>
std::string first_weight_key(const M& model, KerasKeyScheme scheme) {
  const std::vector<LayerPtr>& layers = model.layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    const nn::VariableRefs weights = layers[i]->weights();
    if (weights.empty()) continue;
    if (scheme == KerasKeyScheme::kVariableName) return weights[0]->name;
    return object_variable_key(keras_layer_object(scheme, i, 0) + "/" +
                               layers[i]->weight_path(*weights[0]));
  }
  return first_kernel_key(model, scheme);
}

template <class M>
KerasKeyScheme detect_scheme(const M& model, const CheckpointReader& reader) {
  if (reader.has_tensor(first_weight_key(model, KerasKeyScheme::kLayerIndex))) {
    return KerasKeyScheme::kLayerIndex;
  }
  if (reader.has_tensor(std::string(kObjectGraphKey)) ||
      reader.has_tensor(first_weight_key(model, KerasKeyScheme::kLayerWithWeights))) {
    return KerasKeyScheme::kLayerWithWeights;
  }
  return KerasKeyScheme::kVariableName;
}

// Builds an unbuilt model whose first weighted layer is its first layer,
// from that layer's kernel in the checkpoint.
template <class M>
void build_from_checkpoint(M& model, const CheckpointReader& reader, KerasKeyScheme scheme) {
  if constexpr (std::is_same_v<M, Sequential>) {  // a functional Model is built when made
    if (model.built()) return;
    const LayerPtr& first = model.layers().at(0);
    const std::string key = first_kernel_key(model, scheme);
    const BundleEntry* kernel = reader.bundle().find(key);
    if (first->class_name() != "Dense" || kernel == nullptr) {
      throw FailedPreconditionError("load_weights: model '" + model.name() +
                                    "' is not built and its input shape cannot be read from '" +
                                    reader.prefix() + "'; give the first layer an input_shape");
    }
    if (kernel->shape.rank() != 2) {
      throw InvalidArgumentError("load_weights: '" + key + "' in '" + reader.prefix() +
                                 "' is not a matrix");
    }
    model.build({kernel->shape.dim(0)});
  }
}

}  // namespace

template <class M>
TfWeightsRestore<M>::TfWeightsRestore(M& model, std::vector<std::string> extra_keys)
    : model_(model), extra_keys_(std::move(extra_keys)) {}

template <class M>
RestorePlan TfWeightsRestore<M>::plan(const CheckpointToRestore& checkpoint) {
  const CheckpointReader& reader = checkpoint.reader;
  const KerasKeyScheme scheme = detect_scheme(model_, reader);
  build_from_checkpoint(model_, reader, scheme);
  RestorePlan plan;
  plan.keep_on_failure = true;  // the model may be live: a failed load leaves it as it was
  const std::vector<KeyedVariable> layer_vars = layer_variables(model_, scheme);
  for (const KeyedVariable& v : layer_vars) {
    plan.targets.push_back({v.full_name, {v.key}, &v.variable->value});
  }
  std::vector<std::string> small_keys = extra_keys_;
  if (model_.optimizer() != nullptr) {
    model_.build_optimizer();
    small_keys.push_back(iterations_key());
    for (const KeyedVariable& s : slot_variables(model_, layer_vars)) {
      plan.targets.push_back({s.full_name, {s.key}, &s.variable->value, /*required=*/false});
    }
  }
  // Scalars read into scratch of their stored dtype.
  small_.clear();
  for (const std::string& key : small_keys) {
    const BundleEntry* e = reader.bundle().find(key);
    if (e == nullptr || !has_values(e->dtype) || e->shape.rank() != 0) continue;
    Tensor* scratch = &small_.insert_or_assign(key, Tensor(e->dtype, e->shape)).first->second;
    plan.targets.push_back({key, {key}, scratch, /*required=*/false});
  }
  plan.unused_is_error = [scheme](const std::string& key) {
    return is_keras_layer_weight_key(scheme, key);
  };
  const std::string model_name = model_.name();
  plan.describe = [model_name](const RestoreReport& report, const std::string& prefix) {
    return report.weights_message(model_name, prefix);
  };
  return plan;
}

template <class M>
void TfWeightsRestore<M>::finish() const {
  const Tensor* iter = small(iterations_key());
  if (iter != nullptr && model_.optimizer() != nullptr && iter->num_elements() > 0) {
    model_.optimizer()->set_iterations(static_cast<int64_t>(iter->element_as_double(0)));
  }
}

template <class M>
const Tensor* TfWeightsRestore<M>::small(const std::string& key) const {
  auto it = small_.find(key);
  return it == small_.end() ? nullptr : &it->second;
}

template <class M>
std::string load_tf_weights(FileSystem& fs, M& model, const std::string& path) {
  TfWeightsRestore weights(model);
  auto planner = [&weights](const CheckpointToRestore& c) { return weights.plan(c); };
  std::string prefix;
  if (!fs.is_directory(path)) {
    prefix = restore_checkpoint(path, planner, fs).prefix;
  } else {
    // A directory means its newest intact checkpoint, warning about damaged newer ones.
    std::optional<Restored> restored = restore_newest(path, planner, {}, fs);
    if (!restored) throw NotFoundError("load_weights: no checkpoint in directory " + path);
    for (const std::string& why : restored->skipped) {
      model.output() << "WARNING: checkpoint " << why << "; loading " << restored->prefix
                     << " instead\n";
    }
    prefix = restored->prefix;
  }
  weights.finish();
  return prefix;
}

// The two kinds of model that save and load weights.
template NamedTensors optimizer_hyperparameters(const Sequential&);
template NamedTensors optimizer_hyperparameters(const Model&);
template nn::Variable* optimizer_slot(const Sequential&, const nn::Variable&, const std::string&);
template nn::Variable* optimizer_slot(const Model&, const nn::Variable&, const std::string&);
template TfWeights collect_tf_weights(Sequential&, const NamedTensors&);
template TfWeights collect_tf_weights(Model&, const NamedTensors&);
template void save_tf_weights(FileSystem&, Sequential&, const std::string&, const NamedTensors&);
template void save_tf_weights(FileSystem&, Model&, const std::string&, const NamedTensors&);
template class TfWeightsRestore<Sequential>;
template class TfWeightsRestore<Model>;
template std::string load_tf_weights(FileSystem&, Sequential&, const std::string&);
template std::string load_tf_weights(FileSystem&, Model&, const std::string&);

}  // namespace cairn::keras::internal
