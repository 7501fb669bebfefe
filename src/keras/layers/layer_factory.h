// The one table from a Keras class name ("Dense", "Conv2D", ...) to the
// layer cairn builds from its config (Keras 2.1 to 3 spellings). Every
// reader of model configs (.h5, .keras, SavedModel metadata, the
// functional API's configs) builds its layers here.
//
//   LayerPtr layer = layer_from_config("Dense", {{"name", "d"}, {"units", 3}});
#pragma once

#include <string>
#include <vector>

#include "cairn/keras/layers/layer.h"

namespace cairn::keras::internal {

// The layer of class `class_name` from its Keras config. Throws
// InvalidArgumentError naming the layer for an unknown class (listing the
// classes cairn has) or a config the class refuses.
LayerPtr layer_from_config(const std::string& class_name, const Json& config);

// Whether the table has `class_name`.
bool has_layer_class(const std::string& class_name);

// Every class the table has, sorted.
std::vector<std::string> layer_class_names();

}  // namespace cairn::keras::internal
