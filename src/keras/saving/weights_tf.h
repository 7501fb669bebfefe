// save_weights/load_weights in the TensorFlow checkpoint format, with
// tf.keras's object-based keys:
//   layer_with_weights-<i>/<kernel|bias>/.ATTRIBUTES/VARIABLE_VALUE
//   layer_with_weights-<i>/<w>/.OPTIMIZER_SLOT/optimizer/<slot>/.ATTRIBUTES/VARIABLE_VALUE
//   optimizer/<iter|learning_rate|beta_1|...>/.ATTRIBUTES/VARIABLE_VALUE
//   _CHECKPOINTABLE_OBJECT_GRAPH (the TrackableObjectGraph of all of them)
// Loading also accepts name-based checkpoints keyed "dense/kernel".
#pragma once

#include <deque>

#include <string>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// `extra` tensors (already object-keyed) are saved alongside.
// What save_tf_weights writes: references to the model's variables and
// optimizer slots (no copies), plus the small tensors made for the save (the
// optimizer's step and hyperparameters, the object graph) owned here. Valid
// while `model` and `extra` are unchanged.
struct TfWeights {
  NamedTensorRefs refs;
  std::deque<Tensor> owned;
};
TfWeights collect_tf_weights(Sequential& model, const NamedTensors& extra = {});

void save_tf_weights(FileSystem& fs, Sequential& model, const std::string& prefix,
                     const NamedTensors& extra = {});

// Restores weights, and optimizer state when the model is compiled. Builds an
// unbuilt model from the first kernel's shape. Throws InvalidArgumentError
// listing every missing or mismatched tensor before changing anything.
// Returns the prefix read.
std::string load_tf_weights(FileSystem& fs, Sequential& model, const std::string& path);
// The same from an open checkpoint (one newest_intact_checkpoint() chose).
std::string load_tf_weights(Sequential& model, const CheckpointReader& reader);

// The object key of an attribute: "<path>/.ATTRIBUTES/VARIABLE_VALUE".
std::string variable_key(const std::string& object_path);

}  // namespace cairn::keras::internal
