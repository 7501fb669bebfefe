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
  std::vector<std::string> column_order;             // declared (CSV) order; empty: by key
  int64_t label_width = 1;
  CustomHead head;
  // Training's model also records what the model_fn builds to predict (its
  // record, as record() writes it), so a model_fn that names predictions only
  // in PREDICT is still served from its directory alone. Null: none.
  nlohmann::ordered_json predict_record;
};

// The model of `spec` (what `mode` needs of it checked: InvalidArgumentError
// naming the mode), its weights drawn from `seed`.
CustomModel assemble(const Features& features, const EstimatorSpec& spec, ModeKeys mode,
                     int64_t label_width, uint64_t seed);

// The model of a record (custom_definition.h), its weights fresh.
// DataLossError naming `source` for a malformed record.
CustomModel model_from_record(const nlohmann::ordered_json& record, const std::string& source);

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
  // A training model without predictions serves its PREDICT model's, with
  // its own weights.
  InferenceModel inference_model() override;

  // The record of this model (custom_definition.h has its layout), with
  // "mode" and, when known, the PREDICT model's record as "predict".
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
