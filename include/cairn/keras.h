// The Keras-style API in one include: Sequential models, layers,
// optimizers, callbacks, load_model, latest_checkpoint, and Checkpoint /
// CheckpointManager for custom training loops (keras/trackable.h).
//
//   #include "cairn/keras.h"
//   namespace keras = cairn::keras;
//   keras::Sequential model({keras::Dense(10, {.activation = "softmax",
//                                               .input_shape = keras::Shape{4}})});
#pragma once

#include "cairn/checkpoint/checkpoint.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/keras/callbacks/callbacks.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/layers/layer.h"
#include "cairn/keras/optimizers.h"
#include "cairn/keras/sequential.h"
#include "cairn/keras/trackable.h"

namespace cairn::keras {
// tf.train.latest_checkpoint: the newest checkpoint prefix in `dir`, if any.
using cairn::latest_checkpoint;
}  // namespace cairn::keras
