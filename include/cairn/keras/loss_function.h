// Keras's losses by name as plain functions of a batch, for training loops
// outside fit() (an Estimator made from a Keras model): the per-example
// losses and the gradient of their mean, as compile()'s loss computes them
// on the model's outputs (probabilities clipped to [1e-7, 1 - 1e-7] for the
// cross-entropies).
//
//   nn::LossResult r = keras::loss_function("sparse_categorical_crossentropy",
//                                           probabilities, class_ids);
//   float mean = r.per_example.mean();   // r.gradient: d(mean)/d(probabilities)
#pragma once

#include <string>

#include "cairn/nn/losses.h"

namespace cairn::keras {

// Whether `name` is a loss compile() takes (function, alias or class name).
bool is_loss_name(const std::string& name);

// Loss `name` of `outputs` ([batch, k]) against `targets` (class ids in one
// column for the sparse loss, else [batch, k]). InvalidArgumentError for an
// unknown name or targets that do not fit (naming the row).
nn::LossResult loss_function(const std::string& name, const nn::Matrix& outputs,
                             const nn::Matrix& targets);

}  // namespace cairn::keras
