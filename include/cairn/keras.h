// The Keras-style API in one include: Sequential and functional models
// (keras::Input, keras::Model, load_functional_model), every layer,
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
#include "cairn/keras/keras_tensor.h"
#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/advanced_activations.h"
#include "cairn/keras/layers/border2d.h"
#include "cairn/keras/layers/conv.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/depthwise_conv.h"
#include "cairn/keras/layers/dropout.h"
#include "cairn/keras/layers/embedding.h"
#include "cairn/keras/layers/global_pooling.h"
#include "cairn/keras/layers/layer.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/keras/layers/noise.h"
#include "cairn/keras/layers/normalization.h"
#include "cairn/keras/layers/pooling.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/layers/reshape.h"
#include "cairn/keras/layers/wrappers.h"
#include "cairn/keras/model.h"
#include "cairn/keras/optimizers.h"
#include "cairn/keras/sequential.h"
#include "cairn/keras/trackable.h"

namespace cairn::keras {
// tf.train.latest_checkpoint: the newest checkpoint prefix in `dir`, if any.
using cairn::latest_checkpoint;
}  // namespace cairn::keras
