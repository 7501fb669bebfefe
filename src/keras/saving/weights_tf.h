// save_weights/load_weights in the TensorFlow checkpoint format, with
// tf.keras's object-based keys:
//   layer_with_weights-<i>/<kernel|bias>/.ATTRIBUTES/VARIABLE_VALUE
//   layer_with_weights-<i>/<w>/.OPTIMIZER_SLOT/optimizer/<slot>/.ATTRIBUTES/VARIABLE_VALUE
//   optimizer/<iter|learning_rate|beta_1|...>/.ATTRIBUTES/VARIABLE_VALUE
//   _CHECKPOINTABLE_OBJECT_GRAPH (the TrackableObjectGraph of all of them)
// Loading also accepts name-based checkpoints keyed "dense/kernel".
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

// What tf.keras's OptimizerV2 calls its step count (an int64 scalar): the
// object "optimizer/iter" of save_weights, the child "iter" of a Checkpoint's optimizer.
inline constexpr char kOptimizerIterations[] = "iter";

// The optimizer's hyperparameters as tf.keras's OptimizerV2 tracks them
// ("learning_rate", "beta_1", ...: float32 scalars); empty before compile().
template <class M>  // Sequential or Model, here and below
NamedTensors optimizer_hyperparameters(const M& model);

// The optimizer's slot `slot` ("m") of the model's weight `weight`, or nullptr.
template <class M>
nn::Variable* optimizer_slot(const M& model, const nn::Variable& weight, const std::string& slot);

// The one home of how a Keras weight's name becomes part of a checkpoint key
// (save_weights, load_weights, the .h5 loaders and `cairn convert`).

// The part of a Keras weight name after its layer, without a ":N" device
// suffix: "dense_1/kernel" -> "kernel", "dense/kernel:0" -> "kernel", Keras
// 3's "sequential_12/dense_35/kernel" -> "kernel".
std::string weight_suffix(const std::string& name);

// A weight's name without its ":N" device suffix: "dense/kernel:0" -> "dense/kernel".
std::string without_device_suffix(const std::string& name);

// The path under its layer's object of a weight known only by its Keras name,
// as Layer::weight_path() gives it for a built layer: "dense/kernel:0" ->
// "kernel", "lstm/lstm_cell/kernel:0" -> "cell/kernel",
// "bidirectional/forward_lstm/lstm_cell/kernel:0" -> "forward_layer/cell/kernel".
// (tf.keras 2.1's "gru/kernel:0" names no cell: -> "kernel".)
std::string weight_path_from_name(const std::string& weight_name);

// The object-based key tf.keras saves weight `weight_name` of the layer at
// object path `layer_object` under (the weight's path from its name):
//   ("layer_with_weights-0", "dense/kernel:0")
//     -> "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
std::string layer_weight_key(const std::string& layer_object, const std::string& weight_name);

// `extra` tensors (already object-keyed) are saved alongside.
// What save_tf_weights writes: references to the model's variables and
// optimizer slots (no copies), plus the small tensors made for the save (the
// optimizer's step and hyperparameters, the object graph) owned here. Valid
// while `model` and `extra` are unchanged.
struct TfWeights {
  NamedTensorRefs refs;
  std::deque<Tensor> owned;
};
template <class M>
TfWeights collect_tf_weights(M& model, const NamedTensors& extra = {});

template <class M>
void save_tf_weights(FileSystem& fs, M& model, const std::string& prefix,
                     const NamedTensors& extra = {});

// What a Keras model asks of the restore path (checkpoint/restore.h): its
// weights under the key scheme the checkpoint uses, its optimizer's slots
// and iterations when compiled (restored if present), and `extra_keys`
// (small tensors such as BackupAndRestore's epoch, read into scratch).
// Builds an unbuilt model from the first kernel's shape. Keeps the model as
// it was when the restore fails (keep_on_failure).
//
//   TfWeightsRestore weights(model);
//   restore_checkpoint(prefix, [&](const auto& c) { return weights.plan(c); });
//   weights.finish();
template <class M>
class TfWeightsRestore {
 public:
  explicit TfWeightsRestore(M& model, std::vector<std::string> extra_keys = {});
  RestorePlan plan(const CheckpointToRestore& checkpoint);
  // After a restore succeeded: sets the optimizer's iterations.
  void finish() const;
  // A scalar the last plan read (an extra key, the optimizer's iter), or nullptr.
  const Tensor* small(const std::string& key) const;

 private:
  M& model_;
  std::vector<std::string> extra_keys_;
  std::map<std::string, Tensor> small_;
};

// Restores weights, and optimizer state when the model is compiled, from a
// checkpoint prefix, or a directory's newest intact checkpoint (warning on
// the model's output about damaged newer ones). Throws InvalidArgumentError
// listing every missing or mismatched tensor before changing anything.
// Returns the prefix read.
template <class M>
std::string load_tf_weights(FileSystem& fs, M& model, const std::string& path);

}  // namespace cairn::keras::internal
