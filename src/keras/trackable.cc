// Keras models, layers and optimizers as trackables (keras/trackable.h).
// Names of layers in object keys: checkpoint/restore_names.h; of optimizer
// slots and hyperparameters: keras/saving/weights_tf.h.
#include "cairn/keras/trackable.h"

#include <deque>

#include "cairn/checkpoint/restore_names.h"
#include "cairn/core/errors.h"
#include "keras/saving/weights_tf.h"

namespace cairn::keras {
namespace {

// "dense_1/kernel" -> "kernel".
std::string short_name(const std::string& name) { return name.substr(name.rfind('/') + 1); }

class LayerTrackable : public Trackable {
 public:
  explicit LayerTrackable(Layer& layer) : layer_(layer) {}
  const void* identity() const override { return &layer_; }
  std::vector<TrackableChild> children() override {
    std::vector<TrackableChild> out;
    for (nn::Variable* w : layer_.weights()) {
      out.push_back({short_name(w->name), track_variable(w->value, w->name)});
    }
    return out;
  }

 private:
  Layer& layer_;
};

// Tracks named children it owns (the new optimizers' "_variables" list).
class ListTrackable : public Trackable {
 public:
  explicit ListTrackable(std::vector<TrackableChild> children) : children_(std::move(children)) {}
  std::vector<TrackableChild> children() override { return children_; }

 private:
  std::vector<TrackableChild> children_;
};

class OptimizerTrackable : public Trackable {
 public:
  explicit OptimizerTrackable(Sequential& model)
      : model_(model),
        optimizer_(*model.optimizer()),
        iterations_(Tensor::scalar<int64_t>(optimizer_.iterations())) {
    if (model.built()) model.build_optimizer();  // slots exist for the weights
    for (auto& [name, value] : internal::optimizer_hyperparameters(model)) {
      hyperparameters_.emplace_back(name, std::move(value));
    }
  }
  const void* identity() const override { return &optimizer_; }

  std::vector<TrackableChild> children() override {
    std::vector<TrackableChild> out = {
        {internal::kOptimizerIterations, variable(iterations_, internal::kOptimizerIterations)}};
    for (auto& [name, value] : hyperparameters_) out.push_back({name, variable(value, name)});
    return out;
  }
  std::vector<TrackableChild> children_to_restore(const SavedObject& saved) override {
    if (saved.child("_variables") < 0) return children();
    return {{"_iterations", variable(iterations_, "iteration")},
            {"_learning_rate", variable(scratch_learning_rate_, "learning_rate")},
            {"_variables", std::make_shared<ListTrackable>(listed_slots(saved))}};
  }
  std::vector<TrackableSlot> slots() override {
    std::vector<TrackableSlot> out;
    for (const std::string& slot : optimizer_.slot_names()) {
      for (nn::Variable* w : model_.weights()) {
        nn::Variable* s = internal::optimizer_slot(model_, *w, slot);
        if (s != nullptr) out.push_back({&w->value, slot, track_variable(s->value, s->name)});
      }
    }
    return out;
  }
  void before_save() override { iterations_.flat<int64_t>()[0] = optimizer_.iterations(); }
  void after_restore() override { optimizer_.set_iterations(iterations_.flat<int64_t>()[0]); }

 private:
  TrackablePtr variable(Tensor& value, const std::string& name) {
    return track_variable(value, std::string(optimizer_.name()) + "/" + name);
  }

  // The slots in the new optimizers' order (per weight, its slots), named by
  // their place in the saved "_variables" list, which also holds the
  // iterations (TF 2.13+) and the learning rate (Keras 3): those are skipped.
  std::vector<TrackableChild> listed_slots(const SavedObject& saved) {
    std::vector<nn::Variable*> ordered;
    for (nn::Variable* w : model_.weights()) {
      for (const std::string& slot : optimizer_.slot_names()) {
        if (nn::Variable* s = internal::optimizer_slot(model_, *w, slot)) ordered.push_back(s);
      }
    }
    const int list = saved.child("_variables");
    const int aliases[] = {saved.child("_iterations"), saved.child("_learning_rate")};
    std::vector<TrackableChild> out;
    size_t next = 0;
    for (const ObjectGraph::Child& c : saved.graph.nodes[static_cast<size_t>(list)].children) {
      if (c.node_id == aliases[0] || c.node_id == aliases[1]) continue;
      if (next == ordered.size()) break;
      nn::Variable* s = ordered[next++];
      out.push_back({c.local_name, track_variable(s->value, s->name)});
    }
    return out;
  }

  Sequential& model_;
  optim::Optimizer& optimizer_;
  Tensor iterations_;
  Tensor scratch_learning_rate_ = Tensor::scalar<float>(0);
  std::deque<std::pair<std::string, Tensor>> hyperparameters_;  // stable addresses
};

class ModelTrackable : public Trackable {
 public:
  explicit ModelTrackable(Sequential& model) : model_(model) {}
  const void* identity() const override { return &model_; }
  std::vector<TrackableChild> children() override {
    std::vector<TrackableChild> weighted, all;
    const auto& layers = model_.layers();
    for (size_t i = 0; i < layers.size(); ++i) {
      TrackablePtr layer = make_trackable(*layers[i]);
      if (!layers[i]->weights().empty()) {
        const int index = static_cast<int>(weighted.size());
        weighted.push_back(
            {keras_layer_object(KerasKeyScheme::kLayerWithWeights, i, index), layer});
      }
      all.push_back({keras_layer_object(KerasKeyScheme::kLayerIndex, i, 0), layer});
    }
    weighted.insert(weighted.end(), all.begin(), all.end());
    if (model_.optimizer() != nullptr)
      weighted.push_back({"optimizer", optimizer_trackable(model_)});
    return weighted;
  }

 private:
  Sequential& model_;
};

}  // namespace

TrackablePtr make_trackable(Sequential& model) { return std::make_shared<ModelTrackable>(model); }

TrackablePtr make_trackable(Layer& layer) { return std::make_shared<LayerTrackable>(layer); }

TrackablePtr optimizer_trackable(Sequential& model) {
  if (model.optimizer() == nullptr) {
    throw FailedPreconditionError("optimizer_trackable: model '" + model.name() +
                                  "' has no optimizer yet; call compile() first");
  }
  return std::make_shared<OptimizerTrackable>(model);
}

}  // namespace cairn::keras
