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
    const OrderedJson r = OrderedJson::parse(*recorded);
    auto widths = r.at("feature_widths").get<std::map<std::string, int64_t>>();
    std::vector<data::NumericColumn> columns;
    for (const std::string& key : r.value("column_order", std::vector<std::string>{})) {
      auto it = widths.find(key);
      if (it == widths.end()) continue;
      columns.push_back(data::numeric_column(key, it->second));
      widths.erase(it);
    }
    for (const auto& [key, width] : widths) columns.push_back(data::numeric_column(key, width));
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
  ModelFnDefinition(ModelFn fn, Params params, std::vector<data::NumericColumn> columns)
      : fn_(std::move(fn)), params_(std::move(params)), columns_(std::move(columns)) {}

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
    CustomModel m = run(widths, label_width, request.mode, request.seed);
    if (request.mode == ModeKeys::kTrain) m.predict_record = predict_record(widths, label_width);
    return std::make_unique<CustomNetwork>(std::move(m), request.mode);
  }

 private:
  CustomModel run(const std::map<std::string, int64_t>& widths, int64_t label_width, ModeKeys mode,
                  uint64_t seed) const {
    keras::FreshLayerNames names;  // "dense", "dense_1", ... on every call
    Features features(widths);
    const EstimatorSpec spec = fn_(features, Labels{label_width}, mode, params_);
    CustomModel m = assemble(features, spec, mode, label_width, seed);
    for (const data::NumericColumn& column : columns_) {
      auto it = widths.find(column.key);
      if (it == widths.end() || it->second != column.shape) {
        throw InvalidArgumentError(
            "feature_columns declares '" + column.key + "' " + std::to_string(column.shape) +
            " wide; the input yields " +
            (it == widths.end() ? "no such feature" : std::to_string(it->second) + " values"));
      }
      m.column_order.push_back(column.key);
    }
    return m;
  }

  // The record of the model the model_fn builds in PREDICT; null when it
  // builds none there (it refuses the mode, or names no predictions).
  OrderedJson predict_record(const std::map<std::string, int64_t>& widths,
                             int64_t label_width) const {
    try {
      return CustomNetwork(run(widths, label_width, ModeKeys::kPredict, 0), ModeKeys::kPredict)
          .record();
    } catch (const Error&) {
      return nullptr;
    }
  }

 public:
 private:
  ModelFn fn_;
  Params params_;
  std::vector<data::NumericColumn> columns_;
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

  // PREDICT builds the recorded PREDICT model, when there is one.
  std::unique_ptr<Network> build(const BuildRequest& request) const override {
    const bool predict = request.mode == ModeKeys::kPredict && record_.contains("predict") &&
                         !record_["predict"].is_null();
    return std::make_unique<CustomNetwork>(
        model_from_record(predict ? record_["predict"] : record_, source_), request.mode);
  }

 private:
  OrderedJson record_;
  std::string source_;
};

}  // namespace

std::shared_ptr<const ModelDefinition> model_fn_definition(
    ModelFn model_fn, Params params, std::vector<data::NumericColumn> columns) {
  return std::make_shared<ModelFnDefinition>(std::move(model_fn), std::move(params),
                                             std::move(columns));
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
