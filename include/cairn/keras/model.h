// Model: a Keras functional model, as keras.Model(inputs, outputs): any graph
// of layers between one or more Inputs and one or more outputs, with shared
// layers (one layer called on several tensors) and merges.
//
//   keras::KerasTensor title = keras::Input({32}, "title");
//   keras::KerasTensor body = keras::Input({32}, "body");
//   keras::Dense encoder(16, {.activation = "relu", .name = "encoder"});   // shared
//   keras::KerasTensor both = keras::Concatenate()({encoder(title), encoder(body)});
//   keras::KerasTensor priority =
//       keras::Dense(1, {.activation = "sigmoid", .name = "priority"})(both);
//   keras::KerasTensor department =
//       keras::Dense(4, {.activation = "softmax", .name = "dept"})(both);
//   keras::Model model({title, body}, {priority, department});
//   model.compile({.optimizer = "adam",
//                  .loss = {"binary_crossentropy", "sparse_categorical_crossentropy"},
//                  .loss_weights = {1.0, 0.2},
//                  .metrics = {"accuracy"}});
//   model.summary();                                   // with Keras's "Connected to" column
//   model.fit({title_x, body_x}, {priority_y, dept_y}, {.epochs = 2, .batch_size = 32});
//   std::vector<cairn::Tensor> out = model.predict({{"title", title_x}, {"body", body_x}});
//   model.save_weights("ckpt/model");                  // TF checkpoint, tf.keras's keys
//   Json config = model.get_config();                  // Keras's functional config
//   keras::Model again = keras::Model::from_config(config);   // Keras 2 or 3 spellings
//
// Data: one tensor per input (or output), in the order given to the
// constructor, or a map from the Input's (output layer's) name to its tensor.
// Each tensor is [samples, sample shape...]; targets as for Sequential.
// Training reuses Sequential's losses, metrics and optimizers: a loss per
// output, the model's loss their sum weighted by loss_weights; logs hold
// "loss" and, with several outputs, "<output>_loss" and "<output>_<metric>".
// Errors throw cairn::Error subclasses (InvalidArgumentError for shapes,
// graphs and configs, naming the layer; FailedPreconditionError before compile()).
#pragma once

#include <initializer_list>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"
#include "cairn/keras/keras_tensor.h"
#include "cairn/keras/layers/merge.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras {

class Model;

namespace internal {
class ModelGraph;
class ProgressBar;
struct CompiledLoss;
// The model's graph, for keras's own code and tests (keras/model_graph.h).
ModelGraph& graph_of(Model& model);
}  // namespace internal

// The x (or y) of a model: one tensor per input (output), or tensors by name.
class Tensors {
 public:
  Tensors(Tensor single);                           // NOLINT(google-explicit-constructor)
  Tensors(std::vector<Tensor> in_order);            // NOLINT(google-explicit-constructor)
  Tensors(std::initializer_list<Tensor> in_order);  // NOLINT(google-explicit-constructor)
  Tensors(std::map<std::string, Tensor> by_name);   // NOLINT(google-explicit-constructor)
  Tensors(std::initializer_list<std::pair<const std::string, Tensor>> by_name);  // NOLINT

  // The tensors in the order of `names`; InvalidArgumentError naming `what`
  // when a name is missing or unknown, or the count differs.
  std::vector<Tensor> in_order_of(const std::vector<std::string>& names,
                                  const std::string& what) const;

 private:
  std::vector<Tensor> in_order_;
  std::map<std::string, Tensor> by_name_;
  bool named_ = false;
};

struct ModelCompileOptions {
  OptimizerSpec optimizer = "rmsprop";  // Keras's default
  // One loss for every output, or one per output in output order (names as
  // in CompileOptions::loss).
  std::vector<std::string> loss;
  // Output name -> loss; overrides `loss` for those outputs.
  std::map<std::string, std::string> loss_by_output;
  // The factor of each output's loss in the model's loss (empty: 1 each).
  std::vector<double> loss_weights;
  // Computed on every output (names as in CompileOptions::metrics).
  std::vector<std::string> metrics;
};

struct ModelFitOptions {
  int epochs = 1;
  int batch_size = 32;
  // Evaluated after each epoch (val_loss, val_<metric>).
  std::optional<std::pair<Tensors, Tensors>> validation_data;
  // Used when validation_data is empty: the last fraction of the samples.
  double validation_split = 0.0;
  bool shuffle = true;
  // As Sequential's: ModelCheckpoint, BackupAndRestore, EarlyStopping,
  // CSVLogger, TensorBoard or your own.
  std::vector<CallbackPtr> callbacks;
  int verbose = 1;  // 0 silent, 1 progress bar, 2 one line per epoch
  int initial_epoch = 0;
};

class Model : public BaseModel {
 public:
  // The graph from `inputs` to `outputs`; builds every layer on it (weights
  // drawn from the model's seed). Throws InvalidArgumentError when an output
  // does not depend only on `inputs`, an input is not a keras::Input, two
  // different layers share a name, or a layer refuses its input shapes.
  Model(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
        std::string name = "");
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model() override;

  // The same, its weights drawn from `seed` instead of the generator
  // set_random_seed() seeds (an Estimator's tf_random_seed).
  static Model with_seed(const std::vector<KerasTensor>& inputs,
                         const std::vector<KerasTensor>& outputs, uint64_t seed,
                         std::string name = "");

  // From Keras's functional config ({"name", "layers": [{"class_name",
  // "config", "name", "inbound_nodes"}...], "input_layers", "output_layers"}),
  // Keras 2's inbound_nodes lists and Keras 3's dicts alike. For a config
  // read from a file, `max_parameters` (the weights the file holds) bounds
  // what the layers may allocate: more is an InvalidArgumentError, raised
  // before any layer is built.
  static Model from_config(const Json& config,
                           int64_t max_parameters = std::numeric_limits<int64_t>::max());
  // Keras 2's functional config (what tf.keras writes into .h5 files).
  Json get_config() const override;

  void compile(ModelCompileOptions options);
  bool compiled() const;

  // With set_process_group(), data-parallel as Sequential::fit (sequential.h):
  // batch_size is the global batch, rank 0 alone runs chief_only callbacks.
  History fit(const Tensors& x, const Tensors& y, ModelFitOptions options = {});
  // One optimizer step on this batch; the batch's loss and metrics.
  Logs train_on_batch(const Tensors& x, const Tensors& y);
  Logs evaluate(const Tensors& x, const Tensors& y, EvaluateOptions options = {});
  // One tensor per output, [samples, output shape...] float32.
  std::vector<Tensor> predict(const Tensors& x, int batch_size = 32);

  // Keras's model(x, training=...) for a training loop of your own (an
  // Estimator's): the outputs for one batch, given one [batch, sample
  // values] matrix per input (the model keeps them until backward()), each
  // output held by the model until the next call. `training` turns dropout
  // on (drawn from the model's seed). InvalidArgumentError naming the input
  // for a count or width that does not fit.
  std::vector<const nn::Matrix*> call(const std::vector<const nn::Matrix*>& x, bool training);
  // After call(x, true): sets the gradient of every trainable weight from
  // dL/d(each output); an empty matrix for an output the loss does not read.
  void backward(const std::vector<nn::Matrix>& output_gradients);

  // Keras's functional summary: layer (type), output shape, parameters and
  // the layers each is connected to ("input_1[0][0]").
  void summary(std::ostream& out = std::cout) const;
  std::string summary_string() const;

  // As Sequential's: a TF checkpoint (tf.keras's object keys
  // layer_with_weights-N, optimizer slots) or, for an .h5 path, Keras 2's
  // HDF5 weights file. load_weights reads either through the one restore
  // path, listing every mismatch.
  void save_weights(const std::string& path, const SaveWeightsOptions& options = {}) override;
  void load_weights(const std::string& path) override;
  // The whole model (its functional config, weights and optimizer state):
  // Keras 2's HDF5 for a path ending in .h5/.hdf5 (tf.keras's layout, read
  // back by load_functional_model and by Keras); any other path but .keras a
  // TensorFlow SavedModel directory for serving, under export_model's
  // conditions. A .keras archive is Sequential's for now (UnimplementedError).
  void save(const std::string& path, const SaveOptions& options = {}) override;

  // Exports the model for serving as Sequential::export_model does: format
  // "tfjs" (every layer TF.js has) or "onnx" (the layers ONNX exports take,
  // merges included); "saved_model" for chains of layers only. Models of one
  // input and one output whose layers are each called once; otherwise
  // UnimplementedError naming the model or the layer.
  void export_model(const std::string& path, const std::string& format);
  // The model reduced to its inference steps, each naming the steps it reads
  // (cairn/formats/export/inference_model.h), under the same conditions.
  InferenceModel inference_model();

  const std::string& name() const override { return name_; }
  std::string class_name() const override { return "Functional"; }
  // Keras's model.layers: Inputs first, then by depth in the graph.
  const std::vector<LayerPtr>& layers() const override;
  // The names of the Inputs and of the output layers, in order.
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;
  // The sample shapes of the inputs and outputs.
  std::vector<Shape> input_shapes() const;
  std::vector<Shape> output_shapes() const;
  // Every weight, layer by layer, each shared layer's once.
  nn::VariableRefs weights() const override;
  int64_t count_params() const;
  optim::Optimizer* optimizer() const override { return optimizer_.get(); }
  const ModelCompileOptions& compile_options() const { return compile_options_; }
  // Creates the optimizer's slots for the current weights (fit() does it).
  void build_optimizer() override;

 private:
  friend internal::ModelGraph& internal::graph_of(Model& model);
  Model(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
        std::string name, int64_t max_parameters, std::optional<uint64_t> seed = std::nullopt);
  void ensure_compiled() const;
  // The rows of each tensor, checked against the inputs' (outputs') shapes.
  std::vector<nn::Matrix> input_rows(const Tensors& x, const std::string& what) const;
  std::vector<nn::Matrix> target_rows(const Tensors& y, const std::string& what) const;
  // Sums over the batch of the model's loss, each output's loss (several
  // outputs) and each metric; trains when `train`, on this rank's rows of
  // a global batch of `global_rows` (sums then over every rank's rows).
  std::vector<double> step(const std::vector<nn::Matrix>& x, const std::vector<nn::Matrix>& y,
                           bool train, std::mt19937_64& rng, int64_t global_rows);
  Logs test_loop(const std::vector<nn::Matrix>& x, const std::vector<nn::Matrix>& y, int batch_size,
                 int verbose);
  Logs train_epoch(const std::vector<nn::Matrix>& x, const std::vector<nn::Matrix>& y, int epoch,
                   const ModelFitOptions& options, internal::ProgressBar& bar);
  // fit()'s validation rows: validation_data, or the split taken off x and y.
  void take_validation(std::vector<nn::Matrix>& xs, std::vector<nn::Matrix>& ys,
                       const ModelFitOptions& options, std::vector<nn::Matrix>& val_x,
                       std::vector<nn::Matrix>& val_y) const;
  std::vector<std::string> log_names() const;
  Logs names_and_means(const std::vector<double>& sums, int64_t count,
                       const std::string& prefix = "") const;

  std::string name_;
  std::unique_ptr<internal::ModelGraph> graph_;
  ModelCompileOptions compile_options_;
  std::vector<internal::CompiledLoss> losses_;  // one per output
  std::vector<double> loss_weights_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  bool optimizer_built_ = false;
  std::mt19937_64 call_rng_;  // call()'s dropout
};

// A whole model that Model::save or Keras 2 wrote into an HDF5 file
// (model_config of class "Functional" or "Model", or "Sequential", which
// gives a Model over its stack): its layers, weights, and when the file's
// training_config names a loss and optimizer cairn has, compile() and the
// optimizer state. A .keras archive or SavedModel directory of a
// Sequential model (what load_model reads) gives an uncompiled Model over
// its stack. Errors as load_model's; the model keeps `fs`.
//
//   keras::Model model = keras::load_functional_model("two_inputs.h5");
//   std::vector<cairn::Tensor> out = model.predict({{"title", t}, {"body", b}});
Model load_functional_model(const std::string& path, FileSystem& fs = default_file_system());

// A model from Keras's model.to_json() text ({"class_name": "Sequential",
// "Functional" or "Model", "config": ...}): for a Sequential, a Model over
// its stack. Its weights are freshly initialised. InvalidArgumentError
// naming `source` for text that is not JSON or not such a config.
Model functional_model_from_json(const std::string& json_text, const std::string& source = "");

// True when `path` is an HDF5 model file whose model_config is a
// functional model's (class "Functional" or "Model"): one to load with
// load_functional_model rather than load_model.
bool is_functional_model_file(const std::string& path, FileSystem& fs = default_file_system());

}  // namespace cairn::keras
