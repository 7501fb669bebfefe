#include "cairn/keras/layers/advanced_activations.h"

#include <algorithm>
#include <span>
#include <utility>

#include "cairn/core/errors.h"
#include "keras/layers/initializers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras {

namespace {

constexpr const char* kClass = "PReLU";

// For each position of a row-major sample of `shape`, the index of its slope
// in alpha, whose shape is `shape` with the shared axes set to 1.
std::vector<int64_t> slope_index(const Shape& shape, const Shape& alpha_shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<int64_t> index(static_cast<size_t>(n));
  std::vector<int64_t> coord(shape.size(), 0);
  for (int64_t& slot : index) {
    int64_t k = 0;
    for (size_t a = 0; a < shape.size(); ++a) {
      k = k * alpha_shape[a] + (alpha_shape[a] == 1 ? 0 : coord[a]);
    }
    slot = k;
    for (size_t a = shape.size(); a-- > 0;) {  // next coordinate, row-major
      if (++coord[a] < shape[a]) break;
      coord[a] = 0;
    }
  }
  return index;
}

}  // namespace

PReLU::PReLU(PReLUOptions options)
    : Layer("p_re_lu", options.name, options.input_shape), options_(std::move(options)) {
  if (!internal::is_known_initializer(options_.alpha_initializer)) {
    throw InvalidArgumentError("layer '" + name() + "' (" + kClass + "): unknown initializer '" +
                               options_.alpha_initializer + "'");
  }
}

Shape PReLU::build(const Shape& input_shape, std::mt19937_64& rng) {
  Shape alpha_shape = input_shape;
  for (int64_t axis : options_.shared_axes) {  // axis 0 is the batch
    if (axis < 1 || axis > static_cast<int64_t>(input_shape.size())) {
      throw InvalidArgumentError("layer '" + name() + "' (" + kClass + "): shared axis " +
                                 std::to_string(axis) + " is not an axis of samples of shape " +
                                 internal::shape_json(input_shape).dump());
    }
    alpha_shape[static_cast<size_t>(axis - 1)] = 1;
  }
  if (input_shape.empty()) {
    throw InvalidArgumentError("layer '" + name() + "' (" + kClass +
                               ") needs samples of rank >= 1");
  }
  alpha_.emplace(nn::Variable{.name = name() + "/alpha",
                              .value = Tensor(DType::kFloat32, TensorShape(alpha_shape)),
                              .trainable = true,
                              .gradient = Tensor()});
  const int64_t slopes = alpha_->value.num_elements();
  internal::fill_initializer(options_.alpha_initializer, alpha_->value, slopes, slopes, rng);
  alpha_index_ = slope_index(input_shape, alpha_shape);
  return set_built(input_shape);
}

nn::Matrix PReLU::forward(const nn::Matrix& x, bool /*training*/, std::mt19937_64& /*rng*/) {
  if (!alpha_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  last_x_ = x;
  return nn::prelu(x, alpha_->value.flat<float>().data(), alpha_index_);
}

nn::Matrix PReLU::backward(const nn::Matrix& dy) {
  if (!alpha_) throw FailedPreconditionError("layer '" + name() + "' is not built");
  const std::span<const float> alpha = std::as_const(alpha_->value).flat<float>();
  nn::PreluGradients g = nn::prelu_backward(last_x_, dy, alpha.data(), alpha_index_, alpha.size());
  if (!(alpha_->gradient.shape() == alpha_->value.shape())) {
    alpha_->gradient = Tensor(DType::kFloat32, alpha_->value.shape());
  }
  std::copy(g.dalpha.begin(), g.dalpha.end(), alpha_->gradient.flat<float>().begin());
  return std::move(g.dx);
}

nn::VariableRefs PReLU::weights() {
  return alpha_ ? nn::VariableRefs{&*alpha_} : nn::VariableRefs{};
}

Json PReLU::config() const {
  Json c = base_config();
  c["alpha_initializer"] = internal::initializer_config(options_.alpha_initializer);
  c["alpha_regularizer"] = nullptr;
  c["alpha_constraint"] = nullptr;
  c["shared_axes"] = options_.shared_axes.empty() ? Json(nullptr) : Json(options_.shared_axes);
  return c;
}

PReLU PReLU::from_config(const Json& config) {
  const std::string name = internal::name_from_config(config);
  PReLUOptions o{
      .alpha_initializer = internal::initializer_field(config, "alpha_initializer", "zeros"),
      .input_shape = internal::input_shape_from_config(config),
      .name = name};
  if (config.contains("shared_axes") && !config["shared_axes"].is_null()) {
    const Json& axes = config["shared_axes"];
    const auto bad = [&] {
      throw InvalidArgumentError("layer '" + name + "' (" + kClass +
                                 "): shared_axes must be an integer or a list of integers, got " +
                                 axes.dump());
    };
    if (axes.is_number_integer()) {
      o.shared_axes.push_back(axes.get<int64_t>());
    } else if (axes.is_array()) {
      for (const Json& a : axes) {
        if (!a.is_number_integer()) bad();
        o.shared_axes.push_back(a.get<int64_t>());
      }
    } else {
      bad();
    }
  }
  return PReLU(std::move(o));
}

}  // namespace cairn::keras
