// Estimator: trains, evaluates and predicts with a model whose whole state
// lives in a model directory, as tf.estimator does: a canned one
// (DNNClassifier, DNNRegressor, LinearClassifier) or one a model_fn of yours
// builds from Keras layers (cairn/estimator/model_fn.h):
//
//   cairn::estimator::Estimator custom(my_model_fn, {.model_dir = "models/custom_iris",
//                                                    .params = {{"n_classes", 3}}});
//
//   cairn::estimator::DNNClassifier classifier({
//       .feature_columns = {numeric_column("SepalLength"), numeric_column("SepalWidth"),
//                           numeric_column("PetalLength"), numeric_column("PetalWidth")},
//       .hidden_units = {10, 10},
//       .n_classes = 3,
//       .model_dir = "models/iris"});
//   classifier.train(train_input_fn, {.steps = 200});   // model.ckpt-1 ... model.ckpt-200
//   auto metrics = classifier.evaluate(eval_input_fn);  // restores model.ckpt-200
//   auto predictions = classifier.predict(predict_input_fn);
//
// Every call rebuilds the model and initialises it from the newest
// checkpoint, so a second train({.steps = 200}) continues from step 200 to
// 400. A model that no longer matches its checkpoint (other hidden units,
// another optimizer, ...) raises InvalidArgumentError listing EVERY
// mismatched, missing and unexpected tensor; the directory is not touched.
//
// model_dir holds what TensorFlow writes: checkpoint, model.ckpt-N.{index,
// data-00000-of-00001,meta}, graph.pbtxt, events.out.tfevents.*, and eval/.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/core/progress.h"
#include "cairn/data/dataset.h"
#include "cairn/estimator/model_fn.h"
#include "cairn/estimator/model_spec.h"
#include "cairn/estimator/run_config.h"
#include "cairn/formats/export/inference_model.h"

namespace cairn::estimator {

struct TrainOptions {
  std::optional<int64_t> steps;      // train this many more steps
  std::optional<int64_t> max_steps;  // or up to this global step
  // Hears of each step of this call: done of total steps (ProgressUnit::kSteps),
  // counted from the step training resumed at. Borrowed; null: nobody listens.
  Progress* progress = nullptr;
};

struct EvalOptions {
  std::optional<int64_t> steps;  // batches to evaluate; default: the whole input
  std::string name;              // results go to eval_<name>/ instead of eval/
};

struct EvalResult {
  std::map<std::string, double> metrics;  // accuracy (classifiers), average_loss, loss
  int64_t global_step = 0;
  double operator[](const std::string& name) const { return metrics.at(name); }
};

struct Prediction {
  int64_t class_id = 0;              // classifiers; a model_fn's "class_ids"
  std::vector<float> probabilities;  // classifiers; a model_fn's "probabilities"
  std::vector<float> logits;         // a model_fn's "logits"
  std::vector<float> predictions;    // regressors; a model_fn's "predictions"
  // A model_fn's predictions by name (each row's values), as TF yields dicts.
  std::map<std::string, std::vector<float>> outputs;
};

// Initialising a new model from another checkpoint, as tf.estimator.WarmStartSettings.
struct WarmStartSettings {
  std::string checkpoint;  // a prefix or model directory
  // model variable name -> name in that checkpoint; unmapped names are looked
  // up under their own name (and TensorFlow's older spellings).
  std::map<std::string, std::string> var_name_to_prev_var_name;
};

namespace internal {
class ModelDefinition;  // what builds the model of each call (src/estimator/network.h)
}  // namespace internal

// tf.estimator.Estimator's arguments besides the model_fn.
struct EstimatorOptions {
  std::string model_dir;  // empty: a fresh temporary directory
  RunConfig config;
  Params params = Params::object();  // handed to the model_fn
  std::optional<WarmStartSettings> warm_start_from;
  // The features in the order the input declares them (its CSV columns), as
  // tf.estimator's params["feature_columns"]: recorded with each checkpoint
  // so `cairn evaluate`/`predict` and SavedModel exports read CSV rows in
  // that order. Empty: sorted by key. Each must have the width the input yields.
  std::vector<data::NumericColumn> feature_columns;
};

class Estimator {
 public:
  // A canned model. An empty model_dir means a fresh temporary directory (mkdtemp).
  Estimator(ModelSpec spec, std::string model_dir, RunConfig config = {},
            std::optional<WarmStartSettings> warm_start = std::nullopt);
  // The model `model_fn` builds, as tf.estimator.Estimator(model_fn, ...).
  // Each train/evaluate/predict call runs it (mode kTrain, kEval, kPredict)
  // on features as wide as the input's first batch, then restores the newest
  // checkpoint into what it built; predictions hold the spec's predictions by
  // name. Errors from the model_fn (a layer refusing its input, a spec
  // without a loss in TRAIN, ...) are InvalidArgumentError naming the mode.
  Estimator(ModelFn model_fn, EstimatorOptions options);
  // Internal (from_model_dir, model_to_estimator): the model `definition` builds.
  Estimator(std::shared_ptr<const internal::ModelDefinition> definition, std::string model_dir,
            RunConfig config, std::optional<WarmStartSettings> warm_start);
  virtual ~Estimator();

  // Rebuilds an estimator from a model directory alone: its recorded
  // configuration (a canned spec, or the model a model_fn built: its Keras
  // config, feature widths, loss, metrics and optimizer), or (for
  // directories TensorFlow wrote) one inferred from the checkpoint's
  // variable names and shapes.
  static std::unique_ptr<Estimator> from_model_dir(const std::string& model_dir,
                                                   RunConfig config = {});

  Estimator& train(const data::InputFn& input_fn, TrainOptions options);
  EvalResult evaluate(const data::InputFn& input_fn, EvalOptions options = {});
  std::vector<Prediction> predict(const data::InputFn& input_fn);
  // The newest checkpoint's model reduced to what serving needs: one input
  // per feature column (concatenated sorted by key), the layers, and the
  // head's outputs: "logits", "probabilities", "class_ids" (classifiers; binary
  // ones also "logistic") or "predictions" (regressors). NotFoundError
  // without a checkpoint.
  InferenceModel inference_model();
  // Writes a SavedModel into export_dir_base/<seconds since the epoch>/ (a
  // new, unused directory), as tf.estimator's export_saved_model, and returns
  // that directory. Its serving_default signature takes one float32 input per
  // feature column, [batch, width].
  std::string export_saved_model(const std::string& export_dir_base);
  // The model in another serving format: "saved_model" (into `path` itself),
  // "onnx" or "tfjs" (see cairn/formats/export.h).
  void export_model(const std::string& path, const std::string& format);

  const std::string& model_dir() const { return model_dir_; }
  std::optional<std::string> latest_checkpoint() const;
  // A canned model's spec (a default one for a model_fn).
  const ModelSpec& spec() const { return spec_; }
  const RunConfig& config() const { return config_; }
  // Whether a model_fn (or a recorded one's) model is trained, not a canned one.
  bool is_custom() const;
  // The features the model reads, each [batch, width]: a canned model's
  // columns as declared; a model_fn's as its newest checkpoint recorded them
  // (sorted by key; NotFoundError before the first checkpoint).
  std::vector<data::NumericColumn> feature_columns() const;

 private:
  void prepare_model_dir();

  ModelSpec spec_;  // canned models'
  std::shared_ptr<const internal::ModelDefinition> definition_;
  std::string model_dir_;
  RunConfig config_;
  std::optional<WarmStartSettings> warm_start_;
};

struct DNNClassifierOptions {
  std::vector<data::NumericColumn> feature_columns;
  std::vector<int64_t> hidden_units;
  int64_t n_classes = 2;
  std::string model_dir;
  RunConfig config;
  std::string optimizer = "Adagrad";
  double learning_rate = 0.05;
  nn::Activation activation_fn = nn::Activation::kRelu;
  double dropout = 0.0;
  std::optional<WarmStartSettings> warm_start_from;
};

class DNNClassifier : public Estimator {
 public:
  explicit DNNClassifier(DNNClassifierOptions options);
};

struct DNNRegressorOptions {
  std::vector<data::NumericColumn> feature_columns;
  std::vector<int64_t> hidden_units;
  int64_t label_dimension = 1;
  std::string model_dir;
  RunConfig config;
  std::string optimizer = "Adagrad";
  double learning_rate = 0.05;
  nn::Activation activation_fn = nn::Activation::kRelu;
  double dropout = 0.0;
  std::optional<WarmStartSettings> warm_start_from;
};

class DNNRegressor : public Estimator {
 public:
  explicit DNNRegressor(DNNRegressorOptions options);
};

struct LinearClassifierOptions {
  std::vector<data::NumericColumn> feature_columns;
  int64_t n_classes = 2;
  std::string model_dir;
  RunConfig config;
  std::string optimizer = "Ftrl";
  // Unset: TensorFlow's min(0.2, 1 / sqrt(number of feature columns)).
  std::optional<double> learning_rate;
  std::optional<WarmStartSettings> warm_start_from;
};

class LinearClassifier : public Estimator {
 public:
  explicit LinearClassifier(LinearClassifierOptions options);
};

}  // namespace cairn::estimator
