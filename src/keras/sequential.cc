#include "cairn/keras/sequential.h"

#include "cairn/core/errors.h"
#include "keras/compiled_loss.h"
#include "keras/layers/layer_config.h"
#include "keras/random_seed.h"

namespace cairn::keras {

Sequential::Sequential(std::vector<LayerPtr> layers, std::string name)
    : BaseModel(internal::next_model_seed()),
      name_(name.empty() ? unique_layer_name("sequential") : std::move(name)),
      rng_(seed_) {
  for (LayerPtr& layer : layers) add(std::move(layer));
}

Sequential::Sequential(Sequential&&) noexcept = default;
Sequential& Sequential::operator=(Sequential&&) noexcept = default;
Sequential::~Sequential() = default;

void Sequential::add(LayerPtr layer) {
  if (layer->class_name() == "InputLayer") {
    if (!layers_.empty()) {
      throw InvalidArgumentError("model '" + name_ + "': an Input must come first");
    }
    input_shape_ = *layer->declared_input_shape();
    return;
  }
  if (layers_.empty() && input_shape_.empty() && layer->declared_input_shape()) {
    input_shape_ = *layer->declared_input_shape();
  }
  for (const LayerPtr& l : layers_) {
    if (l->name() == layer->name()) {
      throw InvalidArgumentError("model '" + name_ + "': two layers are named '" + layer->name() +
                                 "'; layer names must be unique");
    }
  }
  layers_.push_back(std::move(layer));
  built_ = false;
  if (!input_shape_.empty()) build(input_shape_);
}

void Sequential::build(const Shape& input_shape) {
  if (built_ || (!input_shape_.empty() && !layers_.empty() && layers_[0]->built())) {
    if (input_shape != input_shape_) {
      throw InvalidArgumentError("model '" + name_ + "' expects inputs of shape " +
                                 internal::shape_json(input_shape_).dump() + ", got " +
                                 internal::shape_json(input_shape).dump());
    }
    if (built_) return;
  }
  if (layers_.empty()) throw FailedPreconditionError("model '" + name_ + "' has no layers");
  Shape shape = input_shape;
  for (LayerPtr& layer : layers_) {
    shape = layer->built() ? layer->output_shape() : layer->build(shape, rng_);
  }
  input_shape_ = input_shape;
  built_ = true;
}

void Sequential::compile(CompileOptions options) {
  std::optional<internal::LossKind> kind = internal::loss_from_name(options.loss);
  if (!kind) {
    throw InvalidArgumentError("unsupported loss '" + options.loss +
                               "' (cairn has sparse_categorical_crossentropy, "
                               "categorical_crossentropy, binary_crossentropy, mse, mae)");
  }
  // Unknown metric names are refused now, whatever the output size.
  for (const std::string& m : options.metrics) internal::resolve_metric(m, *kind, 2);
  loss_ = std::make_unique<internal::CompiledLoss>(
      internal::CompiledLoss{.kind = *kind, .metric_names = options.metrics, .metrics = {}});
  optimizer_ = options.optimizer.make();
  optimizer_built_ = false;
  compile_options_ = std::move(options);
}

bool Sequential::compiled() const { return loss_ != nullptr; }

void Sequential::build_optimizer() {
  if (optimizer_ && !optimizer_built_) {
    optimizer_->build(weights());
    optimizer_built_ = true;
  }
}

nn::VariableRefs Sequential::weights() const {
  nn::VariableRefs all;
  for (const LayerPtr& layer : layers_) {
    for (nn::Variable* w : layer->weights()) all.push_back(w);
  }
  return all;
}

int64_t Sequential::count_params() const {
  int64_t n = 0;
  for (const LayerPtr& layer : layers_) n += layer->count_params();
  return n;
}

Json Sequential::get_config() const {
  Json layers = Json::array();
  if (!input_shape_.empty()) {
    const std::string input_name = layers_.empty() ? "input_1" : layers_[0]->name() + "_input";
    layers.push_back(Json{{"class_name", "InputLayer"},
                          {"config", Json{{"batch_input_shape", internal::shape_json(input_shape_)},
                                          {"dtype", "float32"},
                                          {"sparse", false},
                                          {"ragged", false},
                                          {"name", input_name}}}});
  }
  for (const LayerPtr& layer : layers_) {
    layers.push_back(Json{{"class_name", layer->class_name()}, {"config", layer->config()}});
  }
  return Json{{"name", name_}, {"layers", layers}};
}

}  // namespace cairn::keras
