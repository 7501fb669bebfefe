#include "keras/layers/layer_factory.h"

#include <functional>
#include <map>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/advanced_activations.h"
#include "cairn/keras/layers/border2d.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/depthwise_conv.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/keras/layers/noise.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/reshape.h"
#include "cairn/keras/layers/wrappers.h"
#include "keras/layers/layer_config.h"

namespace cairn::keras::internal {

namespace {

using Factory = std::function<LayerPtr(const Json& config)>;

// A class whose static from_config(config) returns the layer by value.
template <class L>
Factory from_config_of() {
  return [](const Json& config) { return LayerPtr(L::from_config(config)); };
}

LayerPtr input_layer_from_config(const Json& config) {
  std::optional<Shape> shape = input_shape_from_config(config);
  if (!shape) throw InvalidArgumentError("InputLayer without a batch_input_shape");
  return InputLayer(*shape, name_from_config(config));
}

// One line per class: keep it sorted by class name.
const std::map<std::string, Factory>& factories() {
  // clang-format off
  // clang-format off: one line per class
  static const std::map<std::string, Factory> table = {
      {"Activation", from_config_of<Activation>()},
      {"Add", from_config_of<Add>()},
      {"Average", from_config_of<Average>()},
      {"AveragePooling1D", from_config_of<AveragePooling1D>()},
      {"AveragePooling2D", from_config_of<AveragePooling2D>()},
      {"BatchNormalization", from_config_of<BatchNormalization>()},
      {"Bidirectional", from_config_of<Bidirectional>()},
      {"Concatenate", from_config_of<Concatenate>()},
      {"Conv1D", from_config_of<Conv1D>()},
      {"Conv2D", from_config_of<Conv2D>()},
      {"Cropping2D", from_config_of<Cropping2D>()},
      {"Dense", from_config_of<Dense>()},
      {"DepthwiseConv2D", from_config_of<DepthwiseConv2D>()},
      {"Dropout", from_config_of<Dropout>()},
      {"ELU", from_config_of<ELU>()},
      {"Embedding", from_config_of<Embedding>()},
      {"Flatten", from_config_of<Flatten>()},
      {"GRU", from_config_of<GRU>()},
      {"GaussianNoise", from_config_of<GaussianNoise>()},
      {"GlobalAveragePooling1D", from_config_of<GlobalAveragePooling1D>()},
      {"GlobalAveragePooling2D", from_config_of<GlobalAveragePooling2D>()},
      {"GlobalMaxPooling1D", from_config_of<GlobalMaxPooling1D>()},
      {"GlobalMaxPooling2D", from_config_of<GlobalMaxPooling2D>()},
      {"InputLayer", input_layer_from_config},
      {"LSTM", from_config_of<LSTM>()},
      {"LayerNormalization", from_config_of<LayerNormalization>()},
      {"LeakyReLU", from_config_of<LeakyReLU>()},
      {"MaxPooling1D", from_config_of<MaxPooling1D>()},
      {"MaxPooling2D", from_config_of<MaxPooling2D>()},
      {"Maximum", from_config_of<Maximum>()},
      {"Multiply", from_config_of<Multiply>()},
      {"PReLU", from_config_of<PReLU>()},
      {"Permute", from_config_of<Permute>()},
      {"ReLU", from_config_of<ReLU>()},
      {"RepeatVector", from_config_of<RepeatVector>()},
      {"Reshape", from_config_of<Reshape>()},
      {"SeparableConv2D", from_config_of<SeparableConv2D>()},
      {"SimpleRNN", from_config_of<SimpleRNN>()},
      {"Softmax", from_config_of<Softmax>()},
      {"SpatialDropout1D", from_config_of<SpatialDropout1D>()},
      {"SpatialDropout2D", from_config_of<SpatialDropout2D>()},
      {"Subtract", from_config_of<Subtract>()},
      {"TimeDistributed", from_config_of<TimeDistributed>()},
      {"UpSampling2D", from_config_of<UpSampling2D>()},
      {"ZeroPadding2D", from_config_of<ZeroPadding2D>()},
  };
  // clang-format on
  return table;
}

}  // namespace

LayerPtr layer_from_config(const std::string& class_name, const Json& config) {
  auto it = factories().find(class_name);
  if (it != factories().end()) return it->second(config);
  std::string known;
  for (const std::string& name : layer_class_names()) known += (known.empty() ? "" : ", ") + name;
  throw InvalidArgumentError("layer '" + name_from_config(config) + "' is a " + class_name +
                             ", which cairn does not implement (it has " + known + ")");
}

bool has_layer_class(const std::string& class_name) { return factories().count(class_name) > 0; }

std::vector<std::string> layer_class_names() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories()) names.push_back(name);
  return names;
}

}  // namespace cairn::keras::internal
