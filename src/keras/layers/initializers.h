// Keras's weight initializers by name ("glorot_uniform", "he_normal",
// "zeros", ...), and their config objects ({"class_name": "GlorotUniform",
// "config": {"seed": null}}) in both directions.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "cairn/core/tensor.h"
#include "cairn/keras/layers/layer.h"

namespace cairn::keras::internal {

// True for the names fill_initializer() knows (snake_case or Keras class names).
bool is_known_initializer(const std::string& name);

// Throws InvalidArgumentError naming the layer unless is_known_initializer(name).
void check_initializer(const std::string& name, const std::string& layer);

// Fills a float32 tensor; fan_in/fan_out as Keras computes them for a kernel.
void fill_initializer(const std::string& name, Tensor& t, int64_t fan_in, int64_t fan_out,
                      std::mt19937_64& rng);

Json initializer_config(const std::string& name);
// The snake_case name of a config (object or bare string); throws
// InvalidArgumentError for an initializer cairn does not have.
std::string initializer_from_config(const Json& config);

// Sets `name` from config[key] when that names an initializer cairn has, and
// keeps it otherwise: initializers only matter before weights are loaded, so
// a trained model is not refused for one cairn lacks.
void read_initializer(const Json& config, const std::string& key, std::string& name);

}  // namespace cairn::keras::internal
