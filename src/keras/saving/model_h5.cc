#include "keras/saving/model_h5.h"

#include <map>
#include <type_traits>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/formats/json_limits.h"
#include "cairn/keras/model.h"
#include "keras/saving/keras3_config.h"
#include "keras/saving/model_config.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras::internal {

namespace {

template <class M>
std::vector<H5LayerWeights> layer_weights(const M& model) {
  std::vector<H5LayerWeights> layers;
  for (const LayerPtr& layer : model.layers()) {
    H5LayerWeights entry{.layer_name = layer->name(), .weights = {}};
    for (const nn::Variable* w : layer->weights())
      entry.weights.push_back({w->name + ":0", w->value});
    layers.push_back(std::move(entry));
  }
  return layers;
}

// "Adam/iter:0", then each slot ("Adam/dense/kernel/m:0") by slot name, then variable.
template <class M>
std::vector<H5Weight> optimizer_weights(const M& model) {
  std::vector<H5Weight> out;
  optim::Optimizer* opt = model.optimizer();
  if (opt == nullptr) return out;
  const std::string name(opt->name());
  out.push_back({name + "/iter:0", Tensor::scalar<int64_t>(opt->iterations())});
  std::map<std::string, const nn::Variable*> slots;
  for (const nn::Variable* v : opt->variables()) slots[v->name] = v;
  for (const std::string& slot : opt->slot_names()) {
    for (const nn::Variable* w : model.weights()) {
      auto it = slots.find(w->name + "/" + slot);
      if (it != slots.end()) out.push_back({name + "/" + it->first + ":0", it->second->value});
    }
  }
  return out;
}

// Each (variable, saved tensor) pair, or the list of mismatches.
using Assignment = std::vector<std::pair<nn::Variable*, const Tensor*>>;

// The saved weight for `w`, the j-th of `layer`: the one at the same path
// under the layer ("forward_layer/cell/kernel"), else the only one of the same
// name ("kernel"), else the j-th if its name agrees (Keras loads by order).
const H5Weight* matching_weight(const Layer& layer, const nn::Variable& w,
                                const std::vector<H5Weight>& saved, size_t j) {
  const std::string path = layer.weight_path(w), suffix = weight_suffix(w.name);
  const H5Weight* by_path = nullptr;
  const H5Weight* by_suffix = nullptr;
  int paths = 0, suffixes = 0;
  for (const H5Weight& s : saved) {
    if (weight_path_from_name(s.name) == path) {
      by_path = &s;
      ++paths;
    }
    if (weight_suffix(s.name) == suffix) {
      by_suffix = &s;
      ++suffixes;
    }
  }
  if (paths == 1) return by_path;
  if (suffixes == 1) return by_suffix;
  return suffixes > 1 && weight_suffix(saved[j].name) == suffix ? &saved[j] : nullptr;
}

Assignment match_layer(Layer& layer, const H5LayerWeights& saved, const std::string& path,
                       std::vector<std::string>& problems) {
  Assignment out;
  nn::VariableRefs weights = layer.weights();
  if (weights.size() != saved.weights.size()) {
    problems.push_back("layer '" + layer.name() + "' has " + std::to_string(weights.size()) +
                       " weights but '" + path + "' holds " + std::to_string(saved.weights.size()) +
                       " for '" + saved.layer_name + "'");
    return out;
  }
  for (size_t j = 0; j < weights.size(); ++j) {
    nn::Variable* w = weights[j];
    const H5Weight* match = matching_weight(layer, *w, saved.weights, j);
    if (match == nullptr) {
      problems.push_back("no weight '" + weight_suffix(w->name) + "' for layer '" + layer.name() +
                         "' in '" + path + "'");
    } else if (match->value.dtype() != w->value.dtype() ||
               !(match->value.shape() == w->value.shape())) {
      problems.push_back(
          "'" + match->name + "' is " + std::string(dtype_name(match->value.dtype())) + " " +
          match->value.shape().to_string() + " but " + w->name + " is " +
          std::string(dtype_name(w->value.dtype())) + " " + w->value.shape().to_string());
    } else {
      out.emplace_back(w, &match->value);
    }
  }
  return out;
}

void throw_problems(const std::string& what, const std::vector<std::string>& problems) {
  std::string message = what + " (" + std::to_string(problems.size()) + " problem" +
                        (problems.size() > 1 ? "s" : "") + "):";
  for (const std::string& p : problems) message += "\n  - " + p;
  throw InvalidArgumentError(message);
}

// Layers with weights, matched in order (Keras's load_weights by topology).
template <class M>
void assign_layers(M& model, const KerasH5File& file, const std::string& path) {
  std::vector<Layer*> mine;
  for (const LayerPtr& l : model.layers()) {
    if (!l->weights().empty()) mine.push_back(l.get());
  }
  std::vector<const H5LayerWeights*> saved;
  for (const H5LayerWeights& l : file.layers) {
    if (!l.weights.empty()) saved.push_back(&l);
  }
  std::vector<std::string> problems;
  if (mine.size() != saved.size()) {
    problems.push_back("the model has " + std::to_string(mine.size()) + " layers with weights, '" +
                       path + "' has " + std::to_string(saved.size()));
  }
  Assignment all;
  for (size_t i = 0; i < std::min(mine.size(), saved.size()); ++i) {
    Assignment a = match_layer(*mine[i], *saved[i], path, problems);
    all.insert(all.end(), a.begin(), a.end());
  }
  if (!problems.empty()) {
    throw_problems("load_weights: model '" + model.name() + "' does not match '" + path + "'",
                   problems);
  }
  for (auto [variable, value] : all) variable->value = *value;
}

// Optimizer state saved under TF 2 Keras names; older unnamed layouts are skipped.
template <class M>
void assign_optimizer(M& model, const KerasH5File& file) {
  optim::Optimizer* opt = model.optimizer();
  if (opt == nullptr || file.optimizer_weights.empty()) return;
  model.build_optimizer();
  std::map<std::string, nn::Variable*> slots;
  for (nn::Variable* v : opt->variables()) slots[v->name] = v;
  for (const H5Weight& w : file.optimizer_weights) {
    const std::string name = without_device_suffix(w.name);
    const std::string local = name.substr(name.find('/') + 1);  // drop "Adam/"
    if (local == "iter" && w.value.num_elements() == 1) {
      opt->set_iterations(static_cast<int64_t>(w.value.element_as_double(0)));
      continue;
    }
    auto it = slots.find(local);
    if (it != slots.end() && it->second->value.shape() == w.value.shape() &&
        it->second->value.dtype() == w.value.dtype()) {
      it->second->value = w.value;
    }
  }
}

// compile() as the file's training_config says, with its optimizer state,
// when cairn has its loss and optimizer (else the model stays uncompiled).
template <class M>
void compile_as_saved(M& model, const KerasH5File& file, const std::string& path) {
  if (file.training_config.empty()) return;
  Result<Json> training = parse_untrusted_json(file.training_config, path + ": training_config");
  if (!training.ok()) return;
  std::string why;
  if constexpr (std::is_same_v<M, Sequential>) {
    std::optional<CompileOptions> options = compile_options_from(*training, why);
    if (!options) return;
    model.compile(*options);
  } else {
    std::optional<ModelCompileOptions> options =
        model_compile_options_from(*training, model.output_names(), why);
    if (!options) return;
    model.compile(*options);
  }
  assign_optimizer(model, file);
}

template <class M>
KerasH5File weights_h5(M& model) {
  if (model.weights().empty()) throw FailedPreconditionError("save: the model has no weights yet");
  KerasH5File file{.keras_version = "2.4.0", .backend = "tensorflow"};
  file.layers = layer_weights(model);
  return file;
}

}  // namespace

template <class M>
void save_h5_weights(FileSystem& fs, M& model, const std::string& path) {
  throw_if_error(write_keras_h5(path, weights_h5(model), fs));
}

template <class M>
void save_h5(FileSystem& fs, M& model, const std::string& path, bool whole_model) {
  KerasH5File file = weights_h5(model);
  if (whole_model) {
    file.model_config = model_config_json(model).dump();
    if (model.compiled()) {
      model.build_optimizer();
      file.training_config = training_config_json(model).dump();
      file.optimizer_weights = optimizer_weights(model);
    }
  }
  throw_if_error(write_keras_h5(path, file, fs));
}

template <class M>
void load_h5_weights(FileSystem& fs, M& model, const std::string& path) {
  KerasH5File file = value_or_throw(read_keras_h5(path, fs));
  if constexpr (std::is_same_v<M, Sequential>) {  // a functional Model is built when made
    if (!model.built()) {
      throw FailedPreconditionError("load_weights('" + path + "'): model '" + model.name() +
                                    "' is not built; give its first layer an input_shape");
    }
  }
  assign_layers(model, file, path);
}

template void save_h5(FileSystem&, Sequential&, const std::string&, bool);
template void save_h5(FileSystem&, Model&, const std::string&, bool);
template void save_h5_weights(FileSystem&, Model&, const std::string&);
template void load_h5_weights(FileSystem&, Sequential&, const std::string&);
template void load_h5_weights(FileSystem&, Model&, const std::string&);

H5Model read_h5_model(FileSystem& fs, const std::string& path) {
  H5Model out{.file = value_or_throw(read_keras_h5(path, fs)), .config = {}};
  if (out.file.model_config.empty()) {
    throw InvalidArgumentError("load_model('" + path +
                               "'): the file holds weights only (no model_config); build the "
                               "model and call load_weights");
  }
  Result<Json> config = parse_untrusted_json(out.file.model_config, path + ": model_config");
  if (!config.ok()) {
    throw DataLossError("load_model('" + path + "'): " + config.status().message());
  }
  out.config = std::move(*config);
  if (out.file.keras_version.starts_with("3")) {
    refuse_keras3_hard_sigmoid(out.config, "load_model('" + path + "')");
  }
  return out;
}

int64_t H5Model::stored_elements() const {
  int64_t stored = 0;
  for (const H5LayerWeights& layer : file.layers) {
    for (const H5Weight& w : layer.weights) stored += w.value.num_elements();
  }
  return stored;
}

Sequential load_h5_model(FileSystem& fs, const std::string& path) {
  const H5Model saved = read_h5_model(fs, path);
  // The model cannot have more weights than the file holds.
  Sequential model = model_from_config(saved.config, saved.stored_elements());
  model.set_file_system(fs);
  if (!model.built()) {
    throw InvalidArgumentError("load_model('" + path + "'): the model config has no input shape");
  }
  assign_layers(model, saved.file, path);
  compile_as_saved(model, saved.file, path);
  return model;
}

Model load_h5_functional_model(FileSystem& fs, const std::string& path) {
  const H5Model saved = read_h5_model(fs, path);
  Model model = functional_model_from_config(saved.config, saved.stored_elements());
  model.set_file_system(fs);
  assign_layers(model, saved.file, path);
  compile_as_saved(model, saved.file, path);
  return model;
}

}  // namespace cairn::keras::internal
