// Keras objects as trackables, so a cairn::Checkpoint (checkpoint/checkpoint.h,
// as tf.train.Checkpoint) saves and restores them in a custom training loop.
//
//   keras::Sequential model({keras::Dense(5, {.input_shape = {1}})});
//   model.compile({.optimizer = keras::Adam{.learning_rate = 0.1}, .loss = "mae"});
//   cairn::Tensor step = cairn::Tensor::scalar<int32_t>(1);
//   cairn::Checkpoint ckpt({{"step", step},
//                           {"optimizer", keras::optimizer_trackable(model)},
//                           {"net", model}});
//
// A model tracks its weighted layers as "layer_with_weights-<i>" and every
// layer as "layer-<i>" (the same objects: either spelling restores), and its
// optimizer as "optimizer" once compiled. A layer tracks its weights by their
// short names ("kernel", "bias"); a subclassed Keras model with `self.l1 =
// Dense(5)` is a Checkpoint({{"l1", *model.layers()[0]}}). The optimizer is
// tf.keras's OptimizerV2 as TF 2.x saved it: "iter" (int64), its
// hyperparameters ("learning_rate", "beta_1", ...) and its slots ("m", "v"),
// each tied to its weight. Restoring also reads the layout of the Keras
// optimizers of TF 2.11+ and Keras 3: "_iterations", "_learning_rate" and
// "_variables/<n>", the slots in order of the weights, each weight's slots in
// the optimizer's order. Restored hyperparameters are read but not applied:
// the model keeps those compile() gave it.
//
// Models and layers must be built (their weights exist) before a restore.
#pragma once

#include "cairn/checkpoint/trackable.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras {

// The model (borrowed).
TrackablePtr make_trackable(Sequential& model);
// One layer (borrowed).
TrackablePtr make_trackable(Layer& layer);
// The optimizer compile() gave `model` (borrowed with the model): its step
// count, hyperparameters and slots. FailedPreconditionError before compile().
TrackablePtr optimizer_trackable(Sequential& model);

}  // namespace cairn::keras
