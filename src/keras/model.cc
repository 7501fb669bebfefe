// keras::Model: construction from symbolic tensors, compile, and what the
// model reports about itself. Training is in model_fit.cc.
#include "cairn/keras/model.h"

#include "cairn/core/errors.h"
#include "keras/compiled_loss.h"
#include "keras/model_graph.h"
#include "keras/random_seed.h"

namespace cairn::keras {

Model::Model(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
             std::string name)
    : Model(inputs, outputs, std::move(name), std::numeric_limits<int64_t>::max()) {}

Model::Model(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
             std::string name, int64_t max_parameters, std::optional<uint64_t> seed)
    : BaseModel(seed ? *seed : internal::next_model_seed()),
      name_(name.empty() ? unique_layer_name("model") : std::move(name)) {
  graph_ = std::make_unique<internal::ModelGraph>(inputs, outputs, name_);
  std::mt19937_64 rng(seed_);
  graph_->build(rng, max_parameters);
  call_rng_.seed(seed_ ^ 0x9e3779b97f4a7c15ULL);
}

Model Model::with_seed(const std::vector<KerasTensor>& inputs,
                       const std::vector<KerasTensor>& outputs, uint64_t seed, std::string name) {
  return Model(inputs, outputs, std::move(name), std::numeric_limits<int64_t>::max(), seed);
}

std::vector<const nn::Matrix*> Model::call(const std::vector<const nn::Matrix*>& x, bool training) {
  const std::vector<Shape> shapes = input_shapes();
  if (x.size() != shapes.size()) {
    throw InvalidArgumentError("model '" + name_ + "' takes " + std::to_string(shapes.size()) +
                               " inputs, not " + std::to_string(x.size()));
  }
  for (size_t k = 0; k < x.size(); ++k) {
    int64_t width = 1;
    for (int64_t d : shapes[k]) width *= d;
    if (x[k]->cols() != width) {
      throw InvalidArgumentError("model '" + name_ + "': input '" + input_names()[k] + "' takes " +
                                 std::to_string(width) + " values per sample, not " +
                                 std::to_string(x[k]->cols()));
    }
  }
  return graph_->forward(x, training, call_rng_);
}

void Model::backward(const std::vector<nn::Matrix>& output_gradients) {
  if (output_gradients.size() != graph_->output_nodes().size()) {
    throw InvalidArgumentError("model '" + name_ + "' has " +
                               std::to_string(graph_->output_nodes().size()) + " outputs, not " +
                               std::to_string(output_gradients.size()));
  }
  graph_->backward(output_gradients, std::vector<bool>(output_gradients.size(), false));
}

Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const std::vector<LayerPtr>& Model::layers() const { return graph_->layers(); }

std::vector<std::string> Model::input_names() const {
  std::vector<std::string> names;
  for (size_t i : graph_->input_nodes()) names.push_back(graph_->nodes()[i].layer->name());
  return names;
}

std::vector<std::string> Model::output_names() const {
  std::vector<std::string> names;
  for (size_t i : graph_->output_nodes()) names.push_back(graph_->nodes()[i].layer->name());
  return names;
}

std::vector<Shape> Model::input_shapes() const {
  std::vector<Shape> shapes;
  for (size_t i : graph_->input_nodes()) shapes.push_back(graph_->nodes()[i].shape);
  return shapes;
}

std::vector<Shape> Model::output_shapes() const {
  std::vector<Shape> shapes;
  for (size_t i : graph_->output_nodes()) shapes.push_back(graph_->nodes()[i].shape);
  return shapes;
}

nn::VariableRefs Model::weights() const {
  nn::VariableRefs all;
  for (const LayerPtr& layer : layers()) {
    for (nn::Variable* w : layer->weights()) all.push_back(w);
  }
  return all;
}

int64_t Model::count_params() const {
  int64_t n = 0;
  for (const LayerPtr& layer : layers()) n += layer->count_params();
  return n;
}

void Model::compile(ModelCompileOptions options) {
  const std::vector<std::string> outputs = output_names();
  for (const auto& [name, loss] : options.loss_by_output) {
    if (std::find(outputs.begin(), outputs.end(), name) == outputs.end()) {
      throw InvalidArgumentError("compile: model '" + name_ + "' has no output named '" + name +
                                 "'");
    }
  }
  if (options.loss.size() > 1 && options.loss.size() != outputs.size()) {
    throw InvalidArgumentError("compile: model '" + name_ + "' has " +
                               std::to_string(outputs.size()) + " outputs but " +
                               std::to_string(options.loss.size()) + " losses were given");
  }
  if (!options.loss_weights.empty() && options.loss_weights.size() != outputs.size()) {
    throw InvalidArgumentError("compile: model '" + name_ + "' has " +
                               std::to_string(outputs.size()) + " outputs but " +
                               std::to_string(options.loss_weights.size()) + " loss_weights");
  }
  std::vector<internal::CompiledLoss> losses;
  for (size_t k = 0; k < outputs.size(); ++k) {
    auto named = options.loss_by_output.find(outputs[k]);
    std::string loss = named != options.loss_by_output.end() ? named->second
                       : options.loss.empty()                ? ""
                       : options.loss.size() == 1            ? options.loss[0]
                                                             : options.loss[k];
    std::optional<internal::LossKind> kind = internal::loss_from_name(loss);
    if (!kind) {
      throw InvalidArgumentError("compile: unsupported loss '" + loss + "' for output '" +
                                 outputs[k] +
                                 "' (cairn has sparse_categorical_crossentropy, "
                                 "categorical_crossentropy, binary_crossentropy, mse, mae)");
    }
    const int64_t dim = output_shapes()[k].back();
    std::vector<internal::Metric> metrics;
    for (const std::string& m : options.metrics) {
      metrics.push_back(internal::resolve_metric(m, *kind, dim));
    }
    losses.push_back({.kind = *kind, .metric_names = options.metrics, .metrics = metrics});
  }
  loss_weights_ = options.loss_weights.empty() ? std::vector<double>(outputs.size(), 1.0)
                                               : options.loss_weights;
  losses_ = std::move(losses);
  optimizer_ = options.optimizer.make();
  optimizer_built_ = false;
  compile_options_ = std::move(options);
}

internal::ModelGraph& internal::graph_of(Model& model) { return *model.graph_; }

bool Model::compiled() const { return !losses_.empty(); }

void Model::ensure_compiled() const {
  if (!compiled()) {
    throw FailedPreconditionError("model '" + name_ +
                                  "' must be compiled before fit() or evaluate(): call compile()");
  }
}

void Model::build_optimizer() {
  if (optimizer_ && !optimizer_built_) {
    optimizer_->build(weights());
    optimizer_built_ = true;
  }
}

}  // namespace cairn::keras
