// A Sequential model's variables in Keras 3's weights layout (keras3_weights.h).
#include "keras/saving/keras3_weights.h"

#include <map>
#include <regex>

#include "cairn/checkpoint/restore_tensors.h"
#include "cairn/core/errors.h"

namespace cairn::keras::internal {
namespace {

constexpr const char* kOptimizerPath = "optimizer";

// Keras's naming.to_snake_case: "Dense" -> "dense", "BatchNormalization" ->
// "batch_normalization", "SGD" -> "sgd".
std::string to_snake_case(const std::string& class_name) {
  static const std::regex kWord("(.)([A-Z][a-z]+)"), kCase("([a-z])([A-Z])");
  std::string name = std::regex_replace(class_name, kWord, "$1_$2");
  name = std::regex_replace(name, kCase, "$1_$2");
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// "layers/dense", "layers/dense_1", "layers/dropout", ... in layer order.
std::vector<std::string> layer_paths(const Sequential& model) {
  std::map<std::string, int> used;
  std::vector<std::string> paths;
  for (const LayerPtr& layer : model.layers()) {
    const std::string base = to_snake_case(layer->class_name());
    const int n = used.contains(base) ? ++used[base] : (used[base] = 0);
    paths.push_back("layers/" + base + (n == 0 ? "" : "_" + std::to_string(n)));
  }
  return paths;
}

std::string var_key(const std::string& path, size_t index) {
  return (path.empty() ? "" : path + "/") + "vars/" + std::to_string(index);
}

// The optimizer's slots in Keras 3's order: Adam creates each variable's
// momentum and velocity together; the others create one slot for every
// variable, then the next slot.
std::vector<nn::Variable*> keras3_slots(Sequential& model) {
  optim::Optimizer* opt = model.optimizer();
  std::vector<nn::Variable*> out;
  if (opt == nullptr) return out;
  model.build_optimizer();
  std::map<std::string, nn::Variable*> by_name;
  for (nn::Variable* v : opt->variables()) by_name[v->name] = v;
  const std::vector<std::string> slots = opt->slot_names();
  const nn::VariableRefs weights = model.weights();
  auto add = [&](const nn::Variable* w, const std::string& slot) {
    auto it = by_name.find(w->name + "/" + slot);
    if (w->trainable && it != by_name.end()) out.push_back(it->second);
  };
  if (opt->name() == "Adam") {
    for (const nn::Variable* w : weights) {
      for (const std::string& slot : slots) add(w, slot);
    }
  } else {
    for (const std::string& slot : slots) {
      for (const nn::Variable* w : weights) add(w, slot);
    }
  }
  return out;
}

Keras3Vars optimizer_vars(Sequential& model) {
  Keras3Vars out{.path = kOptimizerPath,
                 .name = to_snake_case(std::string(model.optimizer()->name())),
                 .vars = {}};
  out.vars.push_back(Tensor::scalar<int64_t>(model.optimizer()->iterations()));
  out.vars.push_back(
      Tensor::scalar<float>(static_cast<float>(model.compile_options().optimizer.learning_rate())));
  for (const nn::Variable* slot : keras3_slots(model)) out.vars.push_back(slot->value);
  return out;
}

}  // namespace

bool is_keras3_weights_path(const std::string& path) { return path.ends_with(".weights.h5"); }
bool is_keras3_sharded_path(const std::string& path) { return path.ends_with(".weights.json"); }

std::string saved_optimizer_name(const Keras3Weights& weights) {
  const Keras3Vars* opt = weights.find(kOptimizerPath);
  return opt == nullptr ? "" : opt->name;
}

Keras3Weights keras3_weights_of(Sequential& model) {
  Keras3Weights out;
  out.objects.push_back({.path = "", .name = model.name(), .vars = {}});
  const std::vector<std::string> paths = layer_paths(model);
  for (size_t i = 0; i < paths.size(); ++i) {
    Keras3Vars layer{.path = paths[i], .name = model.layers()[i]->name(), .vars = {}};
    for (const nn::Variable* w : model.layers()[i]->weights()) layer.vars.push_back(w->value);
    out.objects.push_back(std::move(layer));
  }
  if (model.optimizer() != nullptr) out.objects.push_back(optimizer_vars(model));
  return out;
}

namespace {

// Every variable of `weights` under its key ("layers/dense/vars/0").
NamedTensorRefs stored_tensors(const Keras3Weights& weights) {
  NamedTensorRefs out;
  for (const Keras3Vars& object : weights.objects) {
    for (size_t i = 0; i < object.vars.size(); ++i) {
      out.emplace_back(var_key(object.path, i), &object.vars[i]);
    }
  }
  return out;
}

// The optimizer's part of the plan: its slots and, into `iterations`, its
// step count; none when the saved optimizer has another number of variables.
void plan_optimizer(Sequential& model, const Keras3Weights& weights, RestorePlan& plan,
                    Tensor& iterations) {
  const Keras3Vars* saved = weights.find(kOptimizerPath);
  if (model.optimizer() == nullptr || saved == nullptr) return;
  const std::vector<nn::Variable*> slots = keras3_slots(model);
  if (saved->vars.size() != slots.size() + 2) {
    model.output() << "WARNING: skipping the optimizer's state: '" << saved->name << "' saved "
                   << saved->vars.size() << " variables, " << model.optimizer()->name() << " has "
                   << slots.size() + 2 << "\n";
    return;
  }
  iterations = Tensor(saved->vars[0].dtype(), saved->vars[0].shape());
  plan.targets.push_back({"optimizer iterations", {var_key(kOptimizerPath, 0)}, &iterations});
  for (size_t i = 0; i < slots.size(); ++i) {
    plan.targets.push_back({slots[i]->name, {var_key(kOptimizerPath, i + 2)}, &slots[i]->value});
  }
}

}  // namespace

void assign_keras3_weights(Sequential& model, const Keras3Weights& weights,
                           const std::string& source) {
  if (!model.built()) {
    throw FailedPreconditionError("load_weights('" + source + "'): model '" + model.name() +
                                  "' is not built; give its first layer an input_shape");
  }
  RestorePlan plan;
  const std::vector<std::string> paths = layer_paths(model);
  for (size_t i = 0; i < paths.size(); ++i) {
    const nn::VariableRefs layer_weights = model.layers()[i]->weights();
    for (size_t j = 0; j < layer_weights.size(); ++j) {
      plan.targets.push_back(
          {layer_weights[j]->name, {var_key(paths[i], j)}, &layer_weights[j]->value});
    }
  }
  Tensor iterations;
  plan_optimizer(model, weights, plan, iterations);
  plan.unused_is_error = [](const std::string& key) { return key.starts_with("layers/"); };
  const std::string model_name = model.name();
  plan.describe = [model_name](const RestoreReport& report, const std::string& file) {
    return report.weights_message(model_name, file);
  };
  restore_from_tensors(source, stored_tensors(weights), plan);
  if (iterations.num_elements() == 1) {
    model.optimizer()->set_iterations(static_cast<int64_t>(iterations.element_as_double(0)));
  }
}

void save_keras3_weights(FileSystem& fs, Sequential& model, const std::string& path) {
  if (model.weights().empty())
    throw FailedPreconditionError("save_weights: the model has no weights yet");
  Result<std::string> bytes = encode_keras3_weights(keras3_weights_of(model));
  if (!bytes.ok()) throw_if_error(bytes.status().with_context(path));
  throw_if_error(fs.write_file_atomically(path, *bytes));
}

Keras3Weights read_keras3_weights(FileSystem& fs, const std::string& path) {
  if (is_keras3_sharded_path(path)) return value_or_throw(read_keras3_sharded_weights(path, fs));
  const std::string bytes = value_or_throw(fs.read_file(path));
  return value_or_throw(decode_keras3_weights(bytes, path));
}

void load_keras3_weights(FileSystem& fs, Sequential& model, const std::string& path) {
  assign_keras3_weights(model, read_keras3_weights(fs, path), path);
}

}  // namespace cairn::keras::internal
