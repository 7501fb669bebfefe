// Internal to the estimator layer: what an Estimator asks of its model,
// whichever wrote it: a canned one (ModelSpec, canned_network.cc) or a
// model_fn of the user's (custom_network.cc).
//
//   ModelDefinition   what the Estimator holds: builds a Network for each
//                     call, its optimizer, the graph and .meta written beside
//                     checkpoints, and how a recorded model differs from it.
//   Network           one call's model: variables with their checkpoint
//                     names, loss and backward for training, evaluation and
//                     predictions, and the model reduced for serving.
//
//   std::unique_ptr<Network> net = definition.build({.mode = ModeKeys::kTrain,
//                                                    .first_batch = &batch, .seed = 42});
//   nn::LossResult loss = net->loss(batch, /*training=*/true);
//   net->backward(loss.gradient);
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/data/dataset.h"
#include "cairn/estimator/estimator.h"
#include "cairn/estimator/model_fn.h"
#include "cairn/formats/export/inference_model.h"
#include "cairn/nn/losses.h"
#include "cairn/optim/optimizer.h"
#include "cairn/proto/meta_graph.pb.h"

namespace cairn::estimator::internal {

class Network {
 public:
  virtual ~Network() = default;

  // The model's variables, with their checkpoint names.
  virtual nn::VariableRefs variables() = 0;
  // Per-example losses of `batch` and d(mean loss)/d(the loss's input);
  // with `training`, dropout is on and backward() may follow.
  virtual nn::LossResult loss(const data::Batch& batch, bool training) = 0;
  // Sets every variable's gradient from the gradient loss() returned.
  virtual void backward(const nn::Matrix& gradient) = 0;

  // Evaluation: adds a batch (with its loss), then the metrics over every
  // batch added (without "loss", which the Estimator adds).
  virtual void add_eval_batch(const data::Batch& batch, const nn::LossResult& loss) = 0;
  virtual std::map<std::string, double> eval_metrics() const = 0;

  // The predictions for each row of `features`.
  virtual std::vector<Prediction> predict(const data::FeatureMap& features) = 0;
  // The network as serving sees it (weights copied).
  virtual InferenceModel inference_model() = 0;
};

// What one call builds a Network for.
struct BuildRequest {
  ModeKeys mode = ModeKeys::kTrain;
  // The call's first batch (its feature widths), or nullptr: then the
  // widths recorded with the newest checkpoint (`recorded`).
  const data::Batch* first_batch = nullptr;
  const std::string* recorded = nullptr;  // the recorded model, as record() wrote it
  uint64_t seed = 0;
};

class ModelDefinition {
 public:
  virtual ~ModelDefinition() = default;

  // "DNNClassifier", ..., or "Estimator" for a model_fn.
  virtual std::string kind() const = 0;
  virtual std::unique_ptr<Network> build(const BuildRequest& request) const = 0;
  // The optimizer that trains `network`'s variables (its slots not yet built).
  virtual std::unique_ptr<optim::Optimizer> make_optimizer(Network& network) const = 0;

  // The graph of `network` with a VariableV2 node for every one of
  // `variables` (slots and global_step too) and a saver listing them.
  virtual tensorflow::GraphDef graph(Network& network,
                                     const std::vector<VariableInfo>& variables) const = 0;
  // The MetaGraphDef of a checkpoint of `graph`, recording `network`'s model.
  virtual tensorflow::MetaGraphDef meta_graph(Network& network,
                                              const tensorflow::GraphDef& graph) const = 0;
  // What a checkpoint's .meta recorded about its model (nullopt: nothing,
  // e.g. TensorFlow wrote it), as text for compare() and BuildRequest.
  virtual std::optional<std::string> recorded(const std::string& prefix,
                                              const std::optional<std::string>& meta) const = 0;
  // Differences that make the recorded model incompatible with `network`.
  virtual std::vector<std::string> compare(Network& network, const std::string& recorded) const = 0;
  // Whether a checkpoint key no variable of `variables` takes makes the
  // restore fail (by default it is only listed).
  virtual bool unused_is_error(const std::string& /*key*/,
                               const nn::VariableRefs& /*variables*/) const {
    return false;
  }
  // The features the model reads, given the newest checkpoint's record.
  virtual std::vector<data::NumericColumn> feature_columns(
      const std::optional<std::string>& recorded) const = 0;
  // Whether build() needs BuildRequest::recorded when it has no first batch.
  virtual bool builds_from_recorded_widths() const { return false; }
};

// The definition of a canned Estimator's model (canned_network.cc).
std::shared_ptr<const ModelDefinition> canned_definition(const ModelSpec& spec);

}  // namespace cairn::estimator::internal
