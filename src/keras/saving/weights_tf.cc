#include "keras/saving/weights_tf.h"

#include <map>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/object_graph.h"
#include "keras/tensor_rows.h"

namespace cairn::keras::internal {

namespace {

// The part of a variable name after its layer: "dense_1/kernel" -> "kernel".
std::string weight_suffix(const std::string& name) { return name.substr(name.rfind('/') + 1); }

struct KeyedVariable {
  std::string key;        // object-based checkpoint key
  std::string full_name;  // Keras's variable name ("dense/kernel", "Adam/iter")
  nn::Variable* variable;
};

// How a checkpoint names a Sequential's weights: tf.keras 2.2+ counts the
// layers with weights ("layer_with_weights-1/kernel"), TF 2.0/2.1 counted
// every layer ("layer-2/kernel"), and name-based (TF1) checkpoints use the
// variable names ("dense_1/kernel").
enum class KeyScheme { kLayerWithWeights, kLayerIndex, kVariableName };

// The object path of the layer at `index` among all layers, `weighted` among those with weights.
std::string layer_object(KeyScheme scheme, size_t index, int weighted) {
  return scheme == KeyScheme::kLayerIndex ? "layer-" + std::to_string(index)
                                          : "layer_with_weights-" + std::to_string(weighted);
}

// Layer weights in order, keyed in `scheme`.
std::vector<KeyedVariable> layer_variables(const Sequential& model,
                                           KeyScheme scheme = KeyScheme::kLayerWithWeights) {
  std::vector<KeyedVariable> out;
  int weighted = 0;
  for (size_t i = 0; i < model.layers().size(); ++i) {
    nn::VariableRefs weights = model.layers()[i]->weights();
    if (weights.empty()) continue;
    const std::string object = layer_object(scheme, i, weighted++);
    for (nn::Variable* w : weights) {
      const std::string key = scheme == KeyScheme::kVariableName
                                  ? w->name
                                  : variable_key(object + "/" + weight_suffix(w->name));
      out.push_back({key, w->name, w});
    }
  }
  return out;
}

// Slot variables: "<layer key path>/.OPTIMIZER_SLOT/optimizer/<slot>/...", by slot then variable.
std::vector<KeyedVariable> slot_variables(const Sequential& model,
                                          const std::vector<KeyedVariable>& layer_vars) {
  std::vector<KeyedVariable> out;
  optim::Optimizer* opt = model.optimizer();
  if (opt == nullptr) return out;
  std::map<std::string, nn::Variable*> slots;
  for (nn::Variable* v : opt->variables()) slots[v->name] = v;
  for (const std::string& slot : opt->slot_names()) {
    for (const KeyedVariable& lv : layer_vars) {
      auto it = slots.find(lv.full_name + "/" + slot);
      if (it == slots.end()) continue;
      const std::string object = lv.key.substr(0, lv.key.find("/.ATTRIBUTES"));
      out.push_back({variable_key(object + "/.OPTIMIZER_SLOT/optimizer/" + slot),
                     std::string(opt->name()) + "/" + lv.full_name + "/" + slot, it->second});
    }
  }
  return out;
}

// The optimizer's hyperparameters as tf.keras tracks them (float32 scalars).
NamedTensors hyperparameters(const Sequential& model) {
  NamedTensors out;
  const Json config = model.compile_options().optimizer.to_json()["config"];
  for (const auto& [name, value] : config.items()) {
    if (!value.is_number() || name == "epsilon" || name == "initial_accumulator_value") continue;
    out.emplace_back(name, Tensor::scalar<float>(value.get<float>()));
  }
  return out;
}

}  // namespace

std::string variable_key(const std::string& object_path) {
  return object_path + "/.ATTRIBUTES/VARIABLE_VALUE";
}

TfWeights collect_tf_weights(Sequential& model, const NamedTensors& extra) {
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
    graph_vars.push_back({variable_key("optimizer/iter"), opt_name + "/iter"});
    tensors.emplace_back(variable_key("optimizer/iter"),
                         own(Tensor::scalar<int64_t>(opt->iterations())));
    for (auto& [name, value] : hyperparameters(model)) {
      graph_vars.push_back({variable_key("optimizer/" + name), opt_name + "/" + name});
      tensors.emplace_back(variable_key("optimizer/" + name), own(value));
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

void save_tf_weights(FileSystem& fs, Sequential& model, const std::string& prefix,
                     const NamedTensors& extra) {
  save_variables(prefix, collect_tf_weights(model, extra).refs, {}, fs);
}

namespace {

// The key of the first layer's kernel in `scheme`.
std::string first_kernel_key(const Sequential& model, KeyScheme scheme) {
  if (scheme == KeyScheme::kVariableName) return model.layers().at(0)->name() + "/kernel";
  return variable_key(layer_object(scheme, 0, 0) + "/kernel");
}

KeyScheme detect_scheme(const Sequential& model, const CheckpointReader& reader) {
  if (reader.has_tensor(first_kernel_key(model, KeyScheme::kLayerIndex))) {
    return KeyScheme::kLayerIndex;
  }
  if (reader.has_tensor(std::string(kObjectGraphKey)) ||
      reader.has_tensor(first_kernel_key(model, KeyScheme::kLayerWithWeights))) {
    return KeyScheme::kLayerWithWeights;
  }
  return KeyScheme::kVariableName;
}

// Builds an unbuilt model whose first weighted layer is its first layer,
// from that layer's kernel in the checkpoint.
void build_from_checkpoint(Sequential& model, const CheckpointReader& reader, KeyScheme scheme) {
  if (model.built()) return;
  const LayerPtr& first = model.layers().at(0);
  const std::string key = first_kernel_key(model, scheme);
  if (first->class_name() != "Dense" || !reader.has_tensor(key)) {
    throw FailedPreconditionError("load_weights: model '" + model.name() +
                                  "' is not built and its input shape cannot be read from '" +
                                  reader.prefix() + "'; give the first layer an input_shape");
  }
  for (const VariableInfo& info : reader.list_variables()) {
    if (info.name == key && info.shape.rank() == 2) {
      model.build({info.shape.dim(0)});
      return;
    }
  }
  throw InvalidArgumentError("load_weights: '" + key + "' in '" + reader.prefix() +
                             "' is not a matrix");
}

std::vector<std::string> mismatches(const CheckpointReader& reader,
                                    const std::vector<KeyedVariable>& vars, KeyScheme scheme) {
  std::map<std::string, VariableInfo> saved;
  for (const VariableInfo& info : reader.list_variables()) saved[info.name] = info;
  std::vector<std::string> problems;
  for (const KeyedVariable& v : vars) {
    const std::string& key = v.key;
    auto it = saved.find(key);
    const Tensor& value = v.variable->value;
    if (it == saved.end()) {
      problems.push_back("missing '" + key + "' for " + v.full_name + " " +
                         value.shape().to_string());
    } else if (it->second.dtype != value.dtype() || !(it->second.shape == value.shape())) {
      problems.push_back("'" + key + "' is " + std::string(dtype_name(it->second.dtype)) + " " +
                         it->second.shape.to_string() + " but " + v.full_name + " is " +
                         std::string(dtype_name(value.dtype())) + " " + value.shape().to_string());
    }
  }
  if (scheme != KeyScheme::kVariableName) {
    const std::string layer_prefix =
        scheme == KeyScheme::kLayerIndex ? "layer-" : "layer_with_weights-";
    std::map<std::string, bool> expected;
    for (const KeyedVariable& v : vars) expected[v.key] = true;
    for (const auto& [key, info] : saved) {
      if (key.rfind(layer_prefix, 0) == 0 && key.find(".OPTIMIZER_SLOT") == std::string::npos &&
          !expected.count(key)) {
        problems.push_back("unexpected '" + key + "' " + info.shape.to_string() +
                           ": the checkpoint's model has weights this model lacks");
      }
    }
  }
  return problems;
}

void restore_optimizer(Sequential& model, const CheckpointReader& reader,
                       const std::vector<KeyedVariable>& layer_vars) {
  optim::Optimizer* opt = model.optimizer();
  if (opt == nullptr) return;
  model.build_optimizer();
  const std::string iter_key = variable_key("optimizer/iter");
  if (reader.has_tensor(iter_key)) {
    opt->set_iterations(static_cast<int64_t>(reader.get_tensor(iter_key).element_as_double(0)));
  }
  for (const KeyedVariable& s : slot_variables(model, layer_vars)) {
    if (!reader.has_tensor(s.key)) continue;
    Tensor value = reader.get_tensor(s.key);
    if (value.dtype() == s.variable->value.dtype() && value.shape() == s.variable->value.shape()) {
      s.variable->value = std::move(value);
    }
  }
}

}  // namespace

namespace {

// A directory means its newest intact checkpoint (warning about damaged newer
// ones), opened while it is verified: a trainer rotating it away meanwhile
// does not fail the load.
std::unique_ptr<CheckpointReader> checkpoint_to_load(FileSystem& fs, const Sequential& model,
                                                     const std::string& path) {
  if (!fs.is_directory(path)) return std::make_unique<CheckpointReader>(path, fs);
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(path, {}, fs);
  if (!choice) throw NotFoundError("load_weights: no checkpoint in directory " + path);
  for (const std::string& why : choice->skipped) {
    model.output() << "WARNING: checkpoint " << why << "; loading " << choice->prefix
                   << " instead\n";
  }
  return std::move(choice->reader);
}

}  // namespace

std::string load_tf_weights(FileSystem& fs, Sequential& model, const std::string& path) {
  return load_tf_weights(model, *checkpoint_to_load(fs, model, path));
}

std::string load_tf_weights(Sequential& model, const CheckpointReader& reader) {
  const KeyScheme scheme = detect_scheme(model, reader);
  build_from_checkpoint(model, reader, scheme);
  std::vector<KeyedVariable> vars = layer_variables(model, scheme);
  std::vector<std::string> problems = mismatches(reader, vars, scheme);
  if (!problems.empty()) {
    std::string message = "load_weights: model '" + model.name() + "' does not match checkpoint '" +
                          reader.prefix() + "' (" + std::to_string(problems.size()) + " problem" +
                          (problems.size() > 1 ? "s" : "") + "):";
    for (const std::string& p : problems) message += "\n  - " + p;
    throw InvalidArgumentError(message);
  }
  for (const KeyedVariable& v : vars) {
    v.variable->value = reader.get_tensor(v.key);
  }
  restore_optimizer(model, reader, vars);
  return reader.prefix();
}

}  // namespace cairn::keras::internal
