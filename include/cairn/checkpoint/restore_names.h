// Under which keys a checkpoint may hold a variable: the name mapping of the
// restore path (restore.h), as functions front ends use to build targets.
//
//   cairn::tf_variable_keys("dnn/hiddenlayer_0/kernel/t_0/Adagrad")
//     // {"dnn/hiddenlayer_0/kernel/t_0/Adagrad", "dnn/hiddenlayer_0/kernel/Adagrad",
//     //  "training/Adagrad/dnn/hiddenlayer_0/kernel/accumulator",
//     //  "dnn/hiddenlayer_0/weights/t_0/Adagrad", ...}
//   cairn::object_variable_key("layer_with_weights-0/kernel")
//     // "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
//
// Spellings understood:
//   TF 1.0 canned estimators   dnn/hiddenlayer_0/weights, .../biases
//   TF 1.x canned estimators   dnn/hiddenlayer_0/kernel, .../kernel/t_0/Adagrad
//   TF 2.x canned estimators   training/Adagrad/dnn/hiddenlayer_0/kernel/accumulator
//   tf.keras 2.2+ objects      layer_with_weights-<i>/kernel/.ATTRIBUTES/VARIABLE_VALUE
//   TF 2.0/2.1 tf.keras        layer-<i>/kernel/... (<i> counts every layer)
//   name-based (TF1) Keras     dense_1/kernel
#pragma once

#include <map>
#include <string>
#include <vector>

namespace cairn {

// Keys under which an Estimator variable `name` may be stored, best first.
std::vector<std::string> tf_variable_keys(const std::string& name);

// A warm start's keys: `name_map`'s entry for `name` if it has one (the
// checkpoint's name for it), otherwise tf_variable_keys(name).
std::vector<std::string> warm_start_keys(const std::string& name,
                                         const std::map<std::string, std::string>& name_map);

// The object key of an attribute: "<path>/.ATTRIBUTES/VARIABLE_VALUE".
std::string object_variable_key(const std::string& object_path);

// The object key of optimizer slot `slot` of the variable stored under
// object key `variable_key`: "<object>/.OPTIMIZER_SLOT/optimizer/<slot>/...".
std::string object_slot_key(const std::string& variable_key, const std::string& slot);

// How a checkpoint names a Keras model's layers: tf.keras 2.2+ counts the
// layers with weights ("layer_with_weights-1"), TF 2.0/2.1 counted every
// layer ("layer-2"), and name-based (TF1) checkpoints use variable names.
enum class KerasKeyScheme { kLayerWithWeights, kLayerIndex, kVariableName };

// The object path of the layer at `index` among all layers and `weighted`
// among those with weights ("" for kVariableName).
std::string keras_layer_object(KerasKeyScheme scheme, size_t index, int weighted);

// True for a key of a layer's own weight in `scheme` (not a slot): a key the
// loading model must take, or the checkpoint's model had more layers.
bool is_keras_layer_weight_key(KerasKeyScheme scheme, const std::string& key);

}  // namespace cairn
