// Internal to the CLI: the Estimator `cairn train --estimator keras` trains:
// the Keras model of --model (compiled with --loss, --optimizer and
// --learning-rate where given or where the file records none) made an
// Estimator by model_to_estimator, or, without --model, the model a
// model_dir already records.
#pragma once

#include <memory>

#include "cairn/estimator/estimator.h"
#include "cli/estimator_commands.h"

namespace cairn::cli {

// InvalidArgumentError for flags that describe a canned model
// (--hidden-units, --n-classes), for a new model_dir without --model, and
// for a model of more than one input.
std::unique_ptr<estimator::Estimator> keras_estimator(const TrainCommand& cmd,
                                                      estimator::RunConfig config);

}  // namespace cairn::cli
