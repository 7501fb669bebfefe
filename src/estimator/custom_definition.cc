// The ModelDefinitions of a model_fn and of a recorded model (custom_definition.h).
#include "estimator/custom_definition.h"

#include "cairn/core/errors.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/keras/model.h"
#include "estimator/custom_network.h"
#include "estimator/custom_record.h"
#include "estimator/model_graph.h"
#include "estimator/session.h"

namespace cairn::estimator::internal {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The Network every definition here builds.
CustomNetwork& custom(Network& network) { return dynamic_cast<CustomNetwork&>(network); }

class CustomDefinitionBase : public ModelDefinition {
 public:
  std::string kind() const override { return kModelFnKind; }
  bool builds_from_recorded_widths() const override { return true; }

  std::unique_ptr<optim::Optimizer> make_optimizer(Network& network) const override {
    const std::optional<OptimizerSettings>& s = custom(network).model().head.optimizer;
    if (!s) throw InvalidArgumentError("model_fn returned no optimizer in mode train");
    auto optimizer = optim::make_optimizer(s->name, {.learning_rate = s->learning_rate});
    if (!optimizer) throw InvalidArgumentError("model_fn: unknown optimizer \"" + s->name + "\"");
    return optimizer;
  }

  tensorflow::GraphDef graph(Network& network,
                             const std::vector<VariableInfo>& variables) const override {
    return build_forward_model_graph(forward_graph(custom(network)), variables);
  }

  tensorflow::MetaGraphDef meta_graph(Network& network,
                                      const tensorflow::GraphDef& graph) const override {
    std::set<std::string> trainable;
    for (const nn::Variable* v : network.variables()) {
      if (v->trainable) trainable.insert(valid_node_name(v->name));
    }
    return build_meta_graph(graph, trainable, kCustomModelCollection,
                            custom(network).record().dump());
  }

  std::optional<std::string> recorded(const std::string& prefix,
                                      const std::optional<std::string>& meta) const override {
    return read_model_record(prefix, meta);
  }

  std::vector<std::string> compare(Network& network, const std::string& recorded) const override {
    return compare_records(custom(network).record(), OrderedJson::parse(recorded));
  }

  std::vector<data::NumericColumn> feature_columns(
      const std::optional<std::string>& recorded) const override {
    return columns_of(recorded);
  }

 protected:
  static std::vector<data::NumericColumn> columns_of(const std::optional<std::string>& recorded) {
    if (!recorded)
      throw NotFoundError("no checkpoint records this model's features: train it first");
    std::vector<data::NumericColumn> columns;
    const OrderedJson r = OrderedJson::parse(*recorded);
    for (const auto& [key, width] : r.at("feature_widths").items()) {
      columns.push_back(data::numeric_column(key, width.get<int64_t>()));
    }
    return columns;
  }

 public:
  bool unused_is_error(const std::string& key, const nn::VariableRefs& variables) const override {
    if (key == "global_step" || key.find('/') == std::string::npos) return false;
    for (const nn::Variable* v : variables) {
      if (key.starts_with(v->name + "/")) return false;  // an optimizer's slot
    }
    return true;  // another model's variable
  }

 protected:
  // The serving graph of the model where the SavedModel exporter takes its
  // layers, else the features' Placeholders alone.
  static tensorflow::GraphDef forward_graph(CustomNetwork& network) {
    try {
      Result<tensorflow::MetaGraphDef> meta = build_serving_meta_graph(network.inference_model());
      if (meta.ok()) return meta->graph_def();
    } catch (const Error&) {
    }
    GraphBuilder b;
    for (const auto& [key, width] : network.model().widths) {
      b.placeholder(valid_node_name(key), DType::kFloat32, {-1, width});
    }
    return b.release();
  }
};

class ModelFnDefinition : public CustomDefinitionBase {
 public:
  ModelFnDefinition(ModelFn fn, Params params) : fn_(std::move(fn)), params_(std::move(params)) {}

  std::unique_ptr<Network> build(const BuildRequest& request) const override {
    std::map<std::string, int64_t> widths;
    int64_t label_width = 1;
    if (request.first_batch != nullptr) {
      for (const auto& [key, m] : request.first_batch->features) widths[key] = m.cols();
      label_width = std::max<int64_t>(request.first_batch->labels.cols(), 1);
    } else if (request.recorded != nullptr) {
      const OrderedJson r = OrderedJson::parse(*request.recorded);
      widths = r.at("feature_widths").get<std::map<std::string, int64_t>>();
      label_width = r.at("label_width").get<int64_t>();
    } else {
      throw NotFoundError("no checkpoint records the features of this model_fn: train it first");
    }
    keras::FreshLayerNames names;  // "dense", "dense_1", ... on every call
    Features features(widths);
    const EstimatorSpec spec = fn_(features, Labels{label_width}, request.mode, params_);
    return std::make_unique<CustomNetwork>(
        assemble(features, spec, request.mode, label_width, request.seed), request.mode);
  }

 private:
  ModelFn fn_;
  Params params_;
};

class RecordedDefinition : public CustomDefinitionBase {
 public:
  RecordedDefinition(OrderedJson record, std::string source)
      : record_(std::move(record)), source_(std::move(source)) {}

  // The model's own features (the record it was made from), checkpoint or not.
  std::vector<data::NumericColumn> feature_columns(
      const std::optional<std::string>&) const override {
    return columns_of(record_.dump());
  }

  std::unique_ptr<Network> build(const BuildRequest& request) const override {
    try {
      CustomModel m{.model = keras::Model::from_config(record_.at("model"))};
      m.input_keys = record_.at("inputs").get<std::vector<std::vector<std::string>>>();
      m.widths = record_.at("feature_widths").get<std::map<std::string, int64_t>>();
      m.label_width = record_.at("label_width").get<int64_t>();
      m.head = CustomHead::from_json(nlohmann::json::parse(record_.at("head").dump()),
                                     m.model.output_names().size(), source_);
      if (m.input_keys.size() != m.model.input_names().size()) {
        throw DataLossError(source_ + ": the recorded inputs do not match the model's");
      }
      return std::make_unique<CustomNetwork>(std::move(m), request.mode);
    } catch (const OrderedJson::exception& e) {
      throw DataLossError(source_ + ": malformed model_fn record: " + e.what());
    }
  }

 private:
  OrderedJson record_;
  std::string source_;
};

}  // namespace

std::shared_ptr<const ModelDefinition> model_fn_definition(ModelFn model_fn, Params params) {
  return std::make_shared<ModelFnDefinition>(std::move(model_fn), std::move(params));
}

std::shared_ptr<const ModelDefinition> recorded_model_fn_definition(
    const std::string& prefix, const std::optional<std::string>& meta) {
  std::optional<std::string> record = read_model_record(prefix, meta);
  if (!record) return nullptr;
  OrderedJson json = OrderedJson::parse(*record);  // read_model_record checked it parses
  if (json.value("estimator", "") != kModelFnKind) return nullptr;
  return recorded_definition(std::move(json), checkpoint_meta_path(prefix));
}

std::shared_ptr<const ModelDefinition> recorded_definition(OrderedJson record, std::string source) {
  return std::make_shared<RecordedDefinition>(std::move(record), std::move(source));
}

}  // namespace cairn::estimator::internal
