#include "cairn/keras/layers/embedding.h"

#include <limits>

#include "cairn/core/errors.h"
#include "cairn/nn/embedding.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

Embedding::Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options)
    : Layer("embedding", options.name, options.input_shape),
      input_dim_(input_dim),
      output_dim_(output_dim),
      options_(std::move(options)) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (input_dim < 1 || output_dim < 1 || input_dim > kMax || output_dim > kMax) {
    throw InvalidArgumentError(
        "layer '" + name() + "' (Embedding): input_dim and output_dim must be in [1, 2^31), got " +
        std::to_string(input_dim) + " and " + std::to_string(output_dim));
  }
  if (!internal::is_known_initializer(options_.embeddings_initializer)) {
    throw InvalidArgumentError("layer '" + name() + "' (Embedding): unknown initializer '" +
                               options_.embeddings_initializer + "'");
  }
}

Shape Embedding::build(const Shape& input_shape, std::mt19937_64& rng) {
  if (input_shape.empty()) {
    throw InvalidArgumentError("layer '" + name() +
                               "' (Embedding) needs samples of ids of shape (n, ...), got " +
                               internal::shape_json(input_shape).dump());
  }
  nn::Variable& v = embeddings_.emplace();
  v.name = name() + "/embeddings";
  v.value = Tensor(DType::kFloat32, {input_dim_, output_dim_});
  v.gradient = Tensor(DType::kFloat32, {input_dim_, output_dim_});
  internal::fill_initializer(options_.embeddings_initializer, v.value, input_dim_, output_dim_,
                             rng);
  Shape out = input_shape;
  out.push_back(output_dim_);
  return set_built(out);
}

const nn::Matrix& Embedding::forward_kept(const nn::Matrix& x, bool /*training*/,
                                          std::mt19937_64& /*rng*/) {
  if (!embeddings_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  nn::embedding_lookup(nn::as_matrix(std::as_const(embeddings_->value)), x, y_, name());
  ids_ = x;
  if (options_.mask_zero) mask_ = (x.array() != 0.0f).cast<float>().matrix();
  return y_;
}

nn::Matrix Embedding::forward(const nn::Matrix& x, bool training, std::mt19937_64& rng) {
  return forward_kept(x, training, rng);
}

const nn::Matrix& Embedding::backprop(const nn::Matrix& d, const BackpropOptions& options) {
  if (!embeddings_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  if (d.rows() != ids_.rows() || d.cols() != ids_.cols() * output_dim_) {
    throw InvalidArgumentError("layer '" + name() +
                               "': the output gradient's shape does not match the last forward()");
  }
  nn::Variable& v = *embeddings_;
  if (!(v.gradient.shape() == v.value.shape()))
    v.gradient = Tensor(DType::kFloat32, v.value.shape());
  nn::embedding_gradient(ids_, d, nn::as_matrix(v.gradient));
  if (options.input_gradient) {
    dx_.setZero(ids_.rows(), ids_.cols());
  } else {
    dx_.resize(0, 0);
  }
  return dx_;
}

nn::Matrix Embedding::backward(const nn::Matrix& dy) { return backprop(dy, {}); }

const Layer::Mask* Embedding::output_mask(const Mask* /*input_mask*/) const {
  return options_.mask_zero && mask_.size() > 0 ? &mask_ : nullptr;
}

nn::VariableRefs Embedding::weights() {
  return embeddings_ ? nn::VariableRefs{&*embeddings_} : nn::VariableRefs{};
}

Json Embedding::config() const {
  Json c = base_config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  c["embeddings_initializer"] = internal::initializer_config(options_.embeddings_initializer);
  c["embeddings_regularizer"] = nullptr;
  c["activity_regularizer"] = nullptr;
  c["embeddings_constraint"] = nullptr;
  c["mask_zero"] = options_.mask_zero;
  c["input_length"] = declared_input_shape() && declared_input_shape()->size() == 1
                          ? Json((*declared_input_shape())[0])
                          : Json(nullptr);
  return c;
}

Embedding Embedding::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  EmbeddingOptions options{.input_shape = internal::input_shape_from_config(config), .name = name};
  options.mask_zero = internal::bool_from_config(config, "mask_zero", false, name);
  if (!options.input_shape && config.contains("input_length") &&
      config["input_length"].is_number_integer()) {
    options.input_shape = Shape{config["input_length"].get<int64_t>()};
  }
  if (config.contains("embeddings_initializer")) {
    try {
      options.embeddings_initializer =
          internal::initializer_from_config(config["embeddings_initializer"]);
    } catch (const InvalidArgumentError&) {
    }
  }
  for (const char* key : {"input_dim", "output_dim"}) {
    if (!config.contains(key) || !config[key].is_number_integer()) {
      throw InvalidArgumentError("layer '" + name + "' (Embedding): config has no integer '" + key +
                                 "'");
    }
  }
  const Json& in = config["input_dim"];
  const Json& out = config["output_dim"];
  auto size = [](const Json& v) {
    return v.is_number_unsigned() &&
                   v.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()}
               ? std::numeric_limits<int64_t>::max()
               : v.get<int64_t>();
  };
  return Embedding(size(in), size(out), std::move(options));
}

}  // namespace cairn::keras
