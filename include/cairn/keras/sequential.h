// Sequential: a stack of layers trained like tf.keras.Sequential, with
// checkpoints Keras and TensorFlow users recognise.
//
//   keras::Sequential model({
//       keras::Dense(512, {.activation = "relu", .input_shape = {784}}),
//       keras::Dropout(0.2),
//       keras::Dense(10, {.activation = "softmax"}),
//   });
//   model.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy",
//                  .metrics = {"accuracy"}});
//   model.summary();
//   auto checkpoint = std::make_shared<keras::ModelCheckpoint>(
//       "training_2/cp-{epoch:04d}.ckpt", keras::ModelCheckpointOptions{.save_weights_only =
//       true});
//   keras::History h = model.fit(x, y, {.epochs = 10, .validation_data = {{x_test, y_test}},
//                                       .callbacks = {checkpoint}});
//   keras::Logs result = model.evaluate(x_test, y_test);   // {"loss": .., "accuracy": ..}
//   cairn::Tensor probabilities = model.predict(x_test);
//   model.save_weights("checkpoints/my_checkpoint");       // TF checkpoint (object-based keys)
//   model.save("my_model.h5");                             // Keras 2 HDF5, with optimizer state
//   keras::Sequential again = keras::load_model("my_model.h5");
//   model.save("my_model.keras");                          // Keras 3 .keras (ZIP)
//   model.save_weights("my.weights.h5");                   // Keras 3 weights layout
//
// Every file the model reads or writes (save_weights, load_weights, save,
// export_model, and the callbacks of its fit(): ModelCheckpoint,
// BackupAndRestore, CSVLogger, TensorBoard) goes through its file system,
// the POSIX one unless set_file_system() chose another; a callback may be
// given its own.
//
//   cairn::MemoryFileSystem memory;   // cairn/io/memory_file_system.h
//   model.set_file_system(memory);
//   model.fit(x, y, {.callbacks = {checkpoint}});   // checkpoints land in `memory`
//
// Data-parallel training, as tf.distribute.MultiWorkerMirroredStrategy: every
// rank of a ProcessGroup (an MPI group under mpirun, cairn/distribute;
// threads in tests, cairn/core/in_process_group.h) builds the same model and
// calls fit() with the same x, y and options:
//
//   model.set_process_group(group);
//   model.fit(x, y, {.epochs = 10, .batch_size = 64});   // 64 rows per step in all
//
// batch_size is the GLOBAL batch: each rank trains on its rank_slice() of
// every batch, the gradients are averaged over the ranks (weighted by their
// rows) and every rank applies the same update, so N ranks train like one
// process. Rank 0's weights, optimizer state and seed (hence the shuffle
// order) are copied to every rank when fit() starts; the loss and metrics
// are summed over the ranks, so History and the callbacks' logs are the
// same everywhere. Rank 0 alone prints and runs the callbacks that write
// files (Callback::chief_only(): ModelCheckpoint, BackupAndRestore,
// CSVLogger, TensorBoard); when one rank sets stop_training, all stop after
// that epoch. evaluate() and predict() are each rank's own.
//
// Inputs `x` are float32 (or float64/uint8/int) tensors [samples, ...];
// targets `y` are class ids [samples] or [samples, 1] for the sparse loss,
// [samples, k] otherwise. Errors throw cairn::Error subclasses
// (InvalidArgumentError for shapes and configs, FailedPreconditionError
// before compile(), NotFoundError/DataLossError from files).
#pragma once

#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/process_group.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/io/file_system.h"
#include "cairn/keras/base_model.h"
#include "cairn/keras/callbacks/callback.h"
#include "cairn/keras/keras_tensor.h"  // keras::Input, which may start a Sequential
#include "cairn/keras/layers/layer.h"
#include "cairn/keras/optimizers.h"
#include "cairn/optim/optimizer.h"

namespace cairn::keras {

namespace internal {
struct CompiledLoss;
struct LossOutput;
class ProgressBar;
}  // namespace internal

struct CompileOptions {
  OptimizerSpec optimizer = "rmsprop";  // Keras's default
  // sparse_categorical_crossentropy, categorical_crossentropy,
  // binary_crossentropy, mse (mean_squared_error), mae (mean_absolute_error).
  std::string loss;
  // accuracy (acc), sparse_categorical_accuracy, categorical_accuracy,
  // binary_accuracy, mse, mae.
  std::vector<std::string> metrics;
};

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  // Evaluated after each epoch (val_loss, val_<metric>).
  std::optional<std::pair<Tensor, Tensor>> validation_data;
  // Used when validation_data is empty: the last fraction of x/y, taken before shuffling.
  double validation_split = 0.0;
  bool shuffle = true;
  std::vector<CallbackPtr> callbacks;
  // 0 silent, 1 progress bar (one line per epoch when stdout is not a terminal), 2 one line per
  // epoch.
  int verbose = 1;
  int initial_epoch = 0;
};

struct EvaluateOptions {
  int batch_size = 32;
  int verbose = 1;  // as Keras: one progress line; 0 for silence
};

struct LoadModelOptions {
  // As Keras 3's: refuse a config holding Python code (a Lambda layer, a
  // custom class or function) before building anything, naming the layer.
  bool safe_mode = true;
};

class Sequential : public BaseModel {
 public:
  explicit Sequential(std::vector<LayerPtr> layers = {}, std::string name = "");
  Sequential(Sequential&&) noexcept;
  Sequential& operator=(Sequential&&) noexcept;
  ~Sequential() override;

  void add(LayerPtr layer);
  // Builds every layer for inputs of this shape (without the batch). Happens
  // as layers are added once the input shape is known (an Input, or
  // input_shape on the first layer), else on the first fit/evaluate/predict.
  void build(const Shape& input_shape);
  bool built() const { return built_; }

  // Throws InvalidArgumentError for an unknown loss or metric.
  void compile(CompileOptions options);
  bool compiled() const;

  History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  // One optimizer step on the batch x/y (all of it, unshuffled), as
  // tf.keras's train_on_batch: the step of a custom training loop. Returns
  // the batch's loss and metrics. Dropout draws from the seed and the
  // optimizer's step count. FailedPreconditionError before compile() and in
  // a group of more than one process (use fit() there).
  Logs train_on_batch(const Tensor& x, const Tensor& y);
  Logs evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});
  // [samples, outputs...] float32.
  Tensor predict(const Tensor& x, int batch_size = 32);

  // Keras's summary table: layer (type), output shape, parameters, totals.
  void summary(std::ostream& out = std::cout) const;
  std::string summary_string() const;

  // Weights only: a TF checkpoint (prefix.index, prefix.data-00000-of-00001,
  // `checkpoint` beside it; tf.keras's object-based keys, optimizer slots
  // included once compiled and trained), Keras 3's "x.weights.h5"
  // (layers/<class>/vars/<i>, optimizer/vars/<i>) or Keras 2's HDF5 weights file.
  void save_weights(const std::string& path, const SaveWeightsOptions& options = {}) override;
  // Loads what save_weights (or Keras) wrote; a path may be a checkpoint
  // prefix, a directory (its newest checkpoint), an .h5 file, Keras 3's
  // .weights.h5, its sharded .weights.json, or a .keras file. Throws
  // InvalidArgumentError listing every mismatch when the architectures differ.
  void load_weights(const std::string& path) override;
  // The whole model (architecture, weights, optimizer state): a path ending
  // in .keras gets Keras 3's .keras ZIP archive; .h5/.hdf5 Keras 2 HDF5; any
  // other path a TensorFlow SavedModel directory for serving (saved_model.pb,
  // variables/, assets/), as tf.keras's model.save(dir) in TensorFlow 2.
  void save(const std::string& path, const SaveOptions& options = {}) override;
  // Exports the model for serving: format "saved_model", "onnx" or "tfjs"
  // (see cairn/formats/export.h). Dropout, SpatialDropout1D/2D and
  // GaussianNoise are left out. TF.js takes every layer it has; ONNX the
  // layers src/formats/export/onnx_layers.h lists (convolutions,
  // pooling, BatchNormalization, Embedding, LSTM, GRU, ...); SavedModel Dense,
  // Activation, Flatten and the CNN layers (Conv2D, pooling, image
  // BatchNormalization, Reshape). Anything else is an UnimplementedError
  // naming the layer and the format.
  void export_model(const std::string& path, const std::string& format);
  // The built model reduced to its inference steps and weights (copied).
  // Throws FailedPreconditionError before the model is built.
  InferenceModel inference_model();

  const std::string& name() const override { return name_; }
  std::string class_name() const override { return "Sequential"; }
  const std::vector<LayerPtr>& layers() const override { return layers_; }
  const Shape& input_shape() const { return input_shape_; }
  // Every weight, layer by layer ("dense/kernel", "dense/bias", ...).
  nn::VariableRefs weights() const override;
  int64_t count_params() const;
  // nullptr before compile().
  optim::Optimizer* optimizer() const override { return optimizer_.get(); }
  // Creates the optimizer's slots for the current weights (fit() does it;
  // restoring optimizer state needs it first). No-op before compile().
  void build_optimizer() override;
  const CompileOptions& compile_options() const { return compile_options_; }
  // The model's Keras config ({"name": ..., "layers": [...]}).
  Json get_config() const override;

 private:
  // The last layer's output, held by that layer (forward_kept()).
  const nn::Matrix& forward(const nn::Matrix& x, bool training, std::mt19937_64& rng);
  void ensure_built(const Tensor& x);
  void ensure_ready_to_train(const nn::Matrix& y);
  // One epoch of fit(): its shuffled batches; returns the epoch's means.
  Logs train_epoch(const nn::Matrix& xs, const nn::Matrix& ys, int epoch, const FitOptions& options,
                   const std::vector<CallbackPtr>& callbacks, internal::ProgressBar& bar);
  // Trains on this rank's rows x/y of a global batch of `global_rows`;
  // returns the sums over the global batch of the loss and each metric.
  std::vector<double> train_step(const nn::Matrix& x, const nn::Matrix& y, std::mt19937_64& rng,
                                 int64_t global_rows);
  // Backward through the layers from dL/d(outputs) (or d(pre-activation) of
  // the last layer). Layers that can fuse plain SGD (`fused_step`) update
  // their weights in place; returns the weights left for the optimizer.
  nn::VariableRefs backpropagate(const nn::Matrix& g, bool preactivation,
                                 std::optional<float> fused_step);
  std::vector<double> test_step(const nn::Matrix& x, const nn::Matrix& y);
  // The compiled loss of outputs `out` (fused with the last activation when possible).
  internal::LossOutput loss_of(const nn::Matrix& out, const nn::Matrix& y) const;
  // Sums over the batch of the loss and each metric.
  std::vector<double> batch_sums(const internal::LossOutput& loss, const nn::Matrix& out,
                                 const nn::Matrix& y) const;
  // Means over all of x/y, in batches; keys "loss" and the metric names.
  Logs test_loop(const nn::Matrix& x, const nn::Matrix& y, int batch_size, int verbose);
  Logs names_and_means(const std::vector<double>& sums, int64_t count,
                       const std::string& prefix = "") const;

  std::string name_;
  std::vector<LayerPtr> layers_;
  Shape input_shape_;
  bool built_ = false;
  CompileOptions compile_options_;
  std::unique_ptr<internal::CompiledLoss> loss_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  bool optimizer_built_ = false;
  std::mt19937_64 rng_;  // weight initialization
};

// Loads a whole model saved by Sequential::save or by Keras: an HDF5 file
// (Keras 2.1 to 3: architecture, weights, and optimizer state where names
// match), Keras 3's .keras archive or its unzipped directory (the same), or a
// SavedModel directory (cairn's and save_keras_model's, TF 1.x
// tf.contrib.saved_model.save_keras_model's, tf.keras TF 2.x
// model.save(dir)'s: architecture and weights, compiled as it was but with a
// fresh optimizer, as tf.keras; TF 1.x's record no compile config). Throws
// InvalidArgumentError naming a layer class cairn does not have, (with
// safe_mode, the default) a layer holding Python code, listing every weight
// that does not fit, or saying a SavedModel has no Keras model config (TF1
// serving exports, non-Keras SavedModels: run those with
// cairn::serving::SavedModel). The files are read through `fs`, which the
// model keeps as its file_system().
Sequential load_model(const std::string& path, FileSystem& fs = default_file_system());
// The same with options: load_model("m.keras", {.safe_mode = false}).
Sequential load_model(const std::string& path, const LoadModelOptions& options,
                      FileSystem& fs = default_file_system());

// Saves `model` as a SavedModel in a new directory `base`/<seconds since
// the epoch> and returns its path, as tf.contrib.saved_model.save_keras_model
// (the model's to_json() in assets/saved_model.json, as TF 1.x wrote it):
// an existing directory is never replaced (a second save within the same
// second waits for the next). Through the model's file_system().
//
//   std::string path = keras::save_keras_model(model, "./saved_models");
//   keras::Sequential restored = keras::load_model(path);   // then compile, evaluate
std::string save_keras_model(Sequential& model, const std::string& base);

// Makes every model created afterwards reproducible (initial weights,
// shuffling, dropout), as tf.keras.utils.set_random_seed.
void set_random_seed(uint64_t seed);

}  // namespace cairn::keras
