#include "estimator/custom_head.h"

#include <algorithm>
#include <cmath>

#include "cairn/core/errors.h"
#include "cairn/keras/loss_function.h"
#include "estimator/head_ops.h"

namespace cairn::estimator::internal {
namespace {

using Json = nlohmann::json;

constexpr Output::Op kOps[] = {Output::Op::kIdentity, Output::Op::kArgMax, Output::Op::kSoftmax,
                               Output::Op::kSigmoid};
constexpr Loss::Kind kLosses[] = {Loss::Kind::kSparseSoftmaxCrossEntropy,
                                  Loss::Kind::kSigmoidCrossEntropy, Loss::Kind::kMeanSquaredError,
                                  Loss::Kind::kKeras};
constexpr MetricOp::Kind kMetrics[] = {
    MetricOp::Kind::kAccuracy,  MetricOp::Kind::kMean,   MetricOp::Kind::kAuc,
    MetricOp::Kind::kPrecision, MetricOp::Kind::kRecall, MetricOp::Kind::kRootMeanSquaredError};

// tf.metrics.auc's default: 200 thresholds, the outer two just past 0 and 1.
constexpr int kAucThresholds = 200;
constexpr double kAucEpsilon = 1e-7;

template <class T, size_t N>
T parse_name(const T (&all)[N], std::string (*name)(T), const Json& json, const std::string& what,
             const std::string& source) {
  const std::string text = json.is_string() ? json.get<std::string>() : json.dump();
  for (T v : all) {
    if (name(v) == text) return v;
  }
  throw InvalidArgumentError(source + ": unknown " + what + " \"" + text + "\"");
}

Json value_json(const HeadValue& v) { return {{"output", v.output}, {"op", op_name(v.op)}}; }

HeadValue parse_value(const Json& j, size_t outputs, const std::string& source) {
  HeadValue v;
  v.output = j.at("output").get<size_t>();
  if (v.output >= outputs) {
    throw InvalidArgumentError(source + ": output " + std::to_string(v.output) +
                               " of a model with " + std::to_string(outputs) + " outputs");
  }
  v.op = parse_name(kOps, op_name, j.at("op"), "op", source);
  return v;
}

}  // namespace

std::string op_name(Output::Op op) {
  switch (op) {
    case Output::Op::kIdentity:
      return "identity";
    case Output::Op::kArgMax:
      return "argmax";
    case Output::Op::kSoftmax:
      return "softmax";
    case Output::Op::kSigmoid:
      return "sigmoid";
  }
  return "?";
}

std::string loss_name(Loss::Kind kind) {
  switch (kind) {
    case Loss::Kind::kSparseSoftmaxCrossEntropy:
      return "sparse_softmax_cross_entropy";
    case Loss::Kind::kSigmoidCrossEntropy:
      return "sigmoid_cross_entropy";
    case Loss::Kind::kMeanSquaredError:
      return "mean_squared_error";
    case Loss::Kind::kKeras:
      return "keras";
  }
  return "?";
}

std::string metric_name(MetricOp::Kind kind) {
  switch (kind) {
    case MetricOp::Kind::kAccuracy:
      return "accuracy";
    case MetricOp::Kind::kMean:
      return "mean";
    case MetricOp::Kind::kAuc:
      return "auc";
    case MetricOp::Kind::kPrecision:
      return "precision";
    case MetricOp::Kind::kRecall:
      return "recall";
    case MetricOp::Kind::kRootMeanSquaredError:
      return "root_mean_squared_error";
  }
  return "?";
}

Json CustomHead::to_json() const {
  Json j = Json::object();
  j["predictions"] = Json::object();
  for (const auto& [name, v] : predictions) j["predictions"][name] = value_json(v);
  if (loss) j["loss"] = {{"kind", loss_name(loss->kind)}, {"output", loss->output}};
  if (loss && loss->kind == Loss::Kind::kKeras) j["loss"]["keras_name"] = loss->keras_name;
  if (optimizer)
    j["optimizer"] = {{"name", optimizer->name}, {"learning_rate", optimizer->learning_rate}};
  j["metrics"] = Json::object();
  for (const HeadMetric& m : metrics) {
    j["metrics"][m.name] = {{"kind", metric_name(m.kind)}, {"value", value_json(m.value)}};
  }
  j["export_outputs"] = export_outputs;
  return j;
}

CustomHead CustomHead::from_json(const Json& j, size_t outputs, const std::string& source) {
  try {
    CustomHead head;
    for (const auto& [name, v] : j.at("predictions").items()) {
      head.predictions.emplace_back(name, parse_value(v, outputs, source));
    }
    if (j.contains("loss")) {
      HeadLoss loss{parse_name(kLosses, loss_name, j["loss"].at("kind"), "loss", source),
                    j["loss"].at("output").get<size_t>(), j["loss"].value("keras_name", "")};
      if (loss.output >= outputs) throw InvalidArgumentError(source + ": loss of a missing output");
      head.loss = loss;
    }
    if (j.contains("optimizer")) {
      head.optimizer = OptimizerSettings{j["optimizer"].at("name").get<std::string>(),
                                         j["optimizer"].at("learning_rate").get<double>()};
    }
    for (const auto& [name, m] : j.at("metrics").items()) {
      head.metrics.push_back({name,
                              parse_name(kMetrics, metric_name, m.at("kind"), "metric", source),
                              parse_value(m.at("value"), outputs, source)});
    }
    head.export_outputs = j.value("export_outputs", std::vector<std::string>{});
    return head;
  } catch (const Json::exception& e) {
    throw InvalidArgumentError(source + ": malformed model_fn head: " + e.what());
  }
}

nn::LossResult head_loss(const HeadLoss& loss, const nn::Matrix& output, const nn::Matrix& labels) {
  switch (loss.kind) {
    case Loss::Kind::kKeras:
      return keras::loss_function(loss.keras_name, output, labels);
    case Loss::Kind::kSparseSoftmaxCrossEntropy:
      return nn::softmax_cross_entropy(output, class_ids(labels, output.cols()));
    case Loss::Kind::kSigmoidCrossEntropy:
      if (output.cols() != 1) {
        throw InvalidArgumentError("sigmoid_cross_entropy takes one logit per row, not " +
                                   std::to_string(output.cols()));
      }
      return nn::sigmoid_cross_entropy(output, class_ids(labels, 2));
    case Loss::Kind::kMeanSquaredError:
      if (labels.cols() != output.cols()) {
        throw InvalidArgumentError("labels have " + std::to_string(labels.cols()) +
                                   " columns; mean_squared_error's predictions have " +
                                   std::to_string(output.cols()));
      }
      return nn::mean_squared_error(output, labels);
  }
  throw InternalError("unknown loss");
}

MetricAccumulator::MetricAccumulator(MetricOp::Kind kind) : kind_(kind) {
  if (kind_ == MetricOp::Kind::kAuc) {
    tp_at_.assign(kAucThresholds, 0);
    fp_at_.assign(kAucThresholds, 0);
  }
}

void MetricAccumulator::add(const nn::Matrix& labels, const nn::Matrix& values) {
  const bool needs_labels = kind_ != MetricOp::Kind::kMean;
  if (needs_labels && labels.rows() != values.rows()) {
    throw InvalidArgumentError(metric_name(kind_) + ": " + std::to_string(labels.rows()) +
                               " labels for " + std::to_string(values.rows()) + " predictions");
  }
  if (kind_ == MetricOp::Kind::kMean) {
    sum_ += values.cast<double>().sum();
    count_ += static_cast<double>(values.size());
    return;
  }
  if (kind_ == MetricOp::Kind::kRootMeanSquaredError) {
    if (labels.cols() != values.cols()) {
      throw InvalidArgumentError("root_mean_squared_error: labels have " +
                                 std::to_string(labels.cols()) + " columns, predictions " +
                                 std::to_string(values.cols()));
    }
    sum_ += (values - labels).cast<double>().squaredNorm();
    count_ += static_cast<double>(values.size());
    return;
  }
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    const float label = labels.cols() > 0 ? labels(r, 0) : 0.0f;
    const float value = values(r, values.cols() - 1);  // AUC: the positive class's probability
    switch (kind_) {
      case MetricOp::Kind::kAccuracy:
        sum_ += std::lround(value) == std::lround(label) ? 1 : 0;
        count_ += 1;
        break;
      case MetricOp::Kind::kPrecision:
      case MetricOp::Kind::kRecall:
        tp_ += value != 0 && label != 0;
        fp_ += value != 0 && label == 0;
        fn_ += value == 0 && label != 0;
        break;
      case MetricOp::Kind::kAuc:
        (label != 0 ? positives_ : negatives_) += 1;
        for (int t = 0; t < kAucThresholds; ++t) {
          const double threshold = t == 0 ? -kAucEpsilon
                                   : t == kAucThresholds - 1
                                       ? 1.0 + kAucEpsilon
                                       : static_cast<double>(t) / (kAucThresholds - 1);
          if (value > threshold) (label != 0 ? tp_at_ : fp_at_)[t] += 1;
        }
        break;
      default:
        break;
    }
  }
}

double MetricAccumulator::result() const {
  switch (kind_) {
    case MetricOp::Kind::kAccuracy:
    case MetricOp::Kind::kMean:
      return count_ > 0 ? sum_ / count_ : 0.0;
    case MetricOp::Kind::kRootMeanSquaredError:
      return count_ > 0 ? std::sqrt(sum_ / count_) : 0.0;
    case MetricOp::Kind::kPrecision:
      return tp_ + fp_ > 0 ? tp_ / (tp_ + fp_) : 0.0;
    case MetricOp::Kind::kRecall:
      return tp_ + fn_ > 0 ? tp_ / (tp_ + fn_) : 0.0;
    case MetricOp::Kind::kAuc: {
      // Trapezoids under (false positive rate, true positive rate) points.
      double auc = 0;
      auto tpr = [&](int t) { return tp_at_[t] / (positives_ + kAucEpsilon); };
      auto fpr = [&](int t) { return fp_at_[t] / (negatives_ + kAucEpsilon); };
      for (int t = 0; t + 1 < kAucThresholds; ++t) {
        auc += (fpr(t) - fpr(t + 1)) * (tpr(t) + tpr(t + 1)) / 2;
      }
      return auc;
    }
  }
  return 0.0;
}

}  // namespace cairn::estimator::internal
