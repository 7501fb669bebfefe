// The canned Estimators' model as a Network: CannedModel with its head
// (canned_model.h), its graph and .meta (model_graph.h), and the recorded
// ModelSpec compared field by field (variable_restore.h).
#include <cmath>

#include "cairn/core/errors.h"
#include "estimator/canned_model.h"
#include "estimator/model_graph.h"
#include "estimator/network.h"
#include "estimator/session.h"
#include "estimator/variable_restore.h"

namespace cairn::estimator::internal {
namespace {

class CannedNetwork : public Network {
 public:
  CannedNetwork(const ModelSpec& spec, uint64_t seed) : spec_(spec), model_(spec, seed) {}

  nn::VariableRefs variables() override { return model_.variables(); }

  nn::LossResult loss(const data::Batch& batch, bool training) override {
    logits_ = model_.forward(batch.features, training);
    return head_loss(spec_, logits_, batch.labels);
  }

  void backward(const nn::Matrix& gradient) override { model_.backward(gradient); }

  void add_eval_batch(const data::Batch& batch, const nn::LossResult& loss) override {
    loss_sum_ += loss.per_example.cast<double>().sum();
    examples_ += batch.rows();
    if (spec_.type == EstimatorType::kDNNRegressor) return;
    std::vector<Prediction> predictions = head_predictions(spec_, logits_);
    for (size_t r = 0; r < predictions.size(); ++r) {
      float label = batch.labels(static_cast<Eigen::Index>(r), 0);
      correct_ += predictions[r].class_id == std::lround(label) ? 1 : 0;
    }
  }

  std::map<std::string, double> eval_metrics() const override {
    const auto n = static_cast<double>(examples_);
    std::map<std::string, double> metrics{{"average_loss", loss_sum_ / n}};
    if (spec_.type != EstimatorType::kDNNRegressor) metrics["accuracy"] = correct_ / n;
    return metrics;
  }

  std::vector<Prediction> predict(const data::FeatureMap& features) override {
    return head_predictions(spec_, model_.forward(features, false));
  }

  InferenceModel inference_model() override { return model_.inference_model(); }

 private:
  ModelSpec spec_;
  CannedModel model_;
  nn::Matrix logits_;  // of the last loss()
  double loss_sum_ = 0, correct_ = 0;
  int64_t examples_ = 0;
};

class CannedDefinition : public ModelDefinition {
 public:
  explicit CannedDefinition(ModelSpec spec) : spec_(std::move(spec)) {}

  std::string kind() const override { return std::string(estimator_type_name(spec_.type)); }

  std::unique_ptr<Network> build(const BuildRequest& request) const override {
    return std::make_unique<CannedNetwork>(spec_, request.seed);
  }

  std::unique_ptr<optim::Optimizer> make_optimizer(Network&) const override {
    auto optimizer = optim::make_optimizer(
        spec_.optimizer, {.learning_rate = spec_.learning_rate, .partitioned_slot_names = true});
    if (!optimizer) throw InvalidArgumentError("unknown optimizer \"" + spec_.optimizer + "\"");
    return optimizer;
  }

  tensorflow::GraphDef graph(Network&, const std::vector<VariableInfo>& variables) const override {
    return build_model_graph(spec_, variables);
  }

  tensorflow::MetaGraphDef meta_graph(Network&, const tensorflow::GraphDef& graph) const override {
    return build_meta_graph(spec_, graph);
  }

  std::optional<std::string> recorded(const std::string& prefix,
                                      const std::optional<std::string>& meta) const override {
    std::optional<ModelSpec> spec = recorded_spec(prefix, meta);
    if (!spec) return std::nullopt;
    return spec->to_json();
  }

  std::vector<data::NumericColumn> feature_columns(
      const std::optional<std::string>&) const override {
    return spec_.feature_columns;
  }

  std::vector<std::string> compare(Network&, const std::string& recorded) const override {
    return compare_specs(spec_, ModelSpec::from_json(recorded));
  }

 private:
  ModelSpec spec_;
};

}  // namespace

std::shared_ptr<const ModelDefinition> canned_definition(const ModelSpec& spec) {
  return std::make_shared<CannedDefinition>(spec);
}

}  // namespace cairn::estimator::internal
