// Internal to the estimator layer: the Network of a model_fn's model (or of
// its record): a keras::Model from the features' Inputs to every tensor the
// EstimatorSpec reads, each once, with the spec's head by output index
// (custom_head.h). custom_definition.h makes them.
//
//   CustomNetwork net(assemble(features, spec, ModeKeys::kTrain, 1, seed), ModeKeys::kTrain);
//   nn::LossResult loss = net.loss(batch, /*training=*/true);
//   net.backward(loss.gradient);
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/keras/model.h"
#include "estimator/custom_head.h"
#include "estimator/network.h"

namespace cairn::estimator::internal {

// What one model_fn call (or a record of one) built.
struct CustomModel {
  keras::Model model;
  std::vector<std::vector<std::string>> input_keys;  // per model input: the features it takes
  std::map<std::string, int64_t> widths;             // of every feature the input yields
  int64_t label_width = 1;
  CustomHead head;
};

// The model of `spec` (what `mode` needs of it checked: InvalidArgumentError
// naming the mode), its weights drawn from `seed`.
CustomModel assemble(const Features& features, const EstimatorSpec& spec, ModeKeys mode,
                     int64_t label_width, uint64_t seed);

class CustomNetwork : public Network {
 public:
  CustomNetwork(CustomModel m, ModeKeys mode);

  nn::VariableRefs variables() override { return m_.model.weights(); }
  nn::LossResult loss(const data::Batch& batch, bool training) override;
  void backward(const nn::Matrix& gradient) override;
  void add_eval_batch(const data::Batch& batch, const nn::LossResult& loss) override;
  std::map<std::string, double> eval_metrics() const override;
  // Each row's predictions by name; "class_ids", "probabilities", "logits"
  // and "predictions" also fill Prediction's fields of those names.
  std::vector<Prediction> predict(const data::FeatureMap& features) override;
  // For a model of one input whose spec reads one tensor: the layers, and
  // the served predictions as the head's outputs; UnimplementedError else.
  InferenceModel inference_model() override;

  // The record of this model (custom_definition.h has its layout).
  nlohmann::ordered_json record() const;
  const CustomModel& model() const { return m_; }

 private:
  // One matrix per model input: its feature, or its features concatenated.
  std::vector<const nn::Matrix*> inputs(const data::FeatureMap& features);

  CustomModel m_;
  ModeKeys mode_;
  std::vector<const nn::Matrix*> outputs_;  // of the last call
  std::vector<nn::Matrix> concatenated_;    // inputs made of several features
  std::vector<MetricAccumulator> accumulators_;
};

}  // namespace cairn::estimator::internal
