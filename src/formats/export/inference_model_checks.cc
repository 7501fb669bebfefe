#include "formats/export/inference_model_checks.h"

#include <map>
#include <set>

#include "cairn/core/strings.h"

namespace cairn::internal {
namespace {

constexpr int64_t kMaxInputWidth = int64_t{1} << 40;

std::string shape_text(const std::vector<int64_t>& dims) { return TensorShape(dims).to_string(); }

std::string tensor_text(const Tensor& t) {
  return std::string(dtype_name(t.dtype())) + " " + t.shape().to_string();
}

Status layer_error(const InferenceStep& step, const std::string& what) {
  return invalid_argument_error("layer '" + step.name + "': " + what);
}

// The output shape of a Dense step on an input of `shape`.
Result<std::vector<int64_t>> check_dense(const InferenceStep& step,
                                         const std::vector<int64_t>& shape) {
  if (shape.size() != 1) {
    return layer_error(step, "Dense needs a flat input, got " + shape_text(shape) +
                                 " (add a Flatten step before it)");
  }
  const Tensor& k = step.kernel;
  if (k.dtype() != DType::kFloat32 || k.shape().rank() != 2 || k.shape().dim(0) != shape[0] ||
      k.shape().dim(1) < 1) {
    return layer_error(step, "kernel must be float32 [" + std::to_string(shape[0]) +
                                 ", units], got " + tensor_text(k));
  }
  const int64_t units = k.shape().dim(1);
  const Tensor& b = step.bias;
  if (step.has_bias() && (b.dtype() != DType::kFloat32 || b.shape() != TensorShape{units})) {
    return layer_error(
        step, "bias must be float32 [" + std::to_string(units) + "], got " + tensor_text(b));
  }
  return std::vector<int64_t>{units};
}

// The output shape of a kLayer step: the one it declares.
Result<std::vector<int64_t>> check_layer(const InferenceStep& step) {
  if (step.class_name.empty()) return layer_error(step, "a kLayer step needs its class_name");
  bool positive = !step.output_shape.empty();
  for (int64_t d : step.output_shape) positive = positive && d >= 1;
  if (!positive || TensorShape(step.output_shape).checked_num_elements(kMaxInputWidth) < 0) {
    return layer_error(step, "output_shape " + shape_text(step.output_shape) +
                                 " is empty, has a dimension below 1 or more than 2^40 elements");
  }
  for (const InferenceWeight& w : step.weights) {
    if (w.name.empty() || w.value.dtype() != DType::kFloat32) {
      return layer_error(
          step, "weight '" + w.name + "' must be named and float32, got " + tensor_text(w.value));
    }
  }
  return step.output_shape;
}

// The output shape of `step` on an input of `shape`.
Result<std::vector<int64_t>> check_step(const InferenceStep& step,
                                        const std::vector<int64_t>& shape) {
  if (step.kind == InferenceStep::Kind::kLayer) return check_layer(step);
  if (step.kind != InferenceStep::Kind::kFlatten && !is_known_activation(step.activation)) {
    return layer_error(step, "unsupported activation '" + step.activation +
                                 "' (exporters know linear, relu, tanh, sigmoid, elu, softmax)");
  }
  switch (step.kind) {
    case InferenceStep::Kind::kDense:
      return check_dense(step, shape);
    case InferenceStep::Kind::kActivation:
      return shape;
    case InferenceStep::Kind::kFlatten: {
      int64_t width = 1;
      for (int64_t d : shape) width *= d;
      return std::vector<int64_t>{width};
    }
    case InferenceStep::Kind::kLayer:
      break;  // checked above
  }
  return layer_error(step, "unknown step kind");
}

Status check_input(const InferenceModel& model) {
  const std::string where = "model '" + model.name + "': ";
  if (model.input_name.empty()) return invalid_argument_error(where + "the input has no name");
  if (model.input_shape.empty()) return invalid_argument_error(where + "input_shape is empty");
  bool positive = true;
  for (int64_t d : model.input_shape) positive = positive && d >= 1;
  if (!positive || TensorShape(model.input_shape).checked_num_elements(kMaxInputWidth) < 0) {
    return invalid_argument_error(where + "input_shape " + shape_text(model.input_shape) +
                                  " has a dimension below 1 or more than 2^40 elements");
  }
  int64_t features = 0;
  for (int64_t w : model.feature_widths) features += w;
  if (model.feature_names.size() != model.feature_widths.size() ||
      (!model.feature_names.empty() && features != model.input_width())) {
    return invalid_argument_error(where + "feature_names [" + join(model.feature_names, ",") +
                                  "] with widths [" + join(model.feature_widths, ",") +
                                  "] do not make up the input of width " +
                                  std::to_string(model.input_width()));
  }
  return ok_status();
}

Status check_outputs(const InferenceModel& model, const std::vector<int64_t>& shape) {
  const std::string where = "model '" + model.name + "': ";
  if (model.outputs.empty()) return invalid_argument_error(where + "no outputs");
  std::set<std::string> names{model.input_name};
  for (const InferenceOutput& out : model.outputs) {
    if (out.name.empty() || !names.insert(out.name).second) {
      return invalid_argument_error(where + "output name '" + out.name +
                                    "' is empty or names the input or another output");
    }
    const bool raw = out.kind == InferenceOutput::Kind::kActivations ||
                     out.kind == InferenceOutput::Kind::kLogits;
    if (!raw && shape.size() != 1) {
      return invalid_argument_error(where + "output '" + out.name + "' needs a flat result, got " +
                                    shape_text(shape));
    }
  }
  if (model.binary_head && shape != std::vector<int64_t>{1}) {
    return invalid_argument_error(where + "a binary head needs one logit column, got " +
                                  shape_text(shape));
  }
  return ok_status();
}

}  // namespace

bool is_known_activation(std::string_view a) {
  return a == "linear" || a == "relu" || a == "tanh" || a == "sigmoid" || a == "elu" ||
         a == "softmax";
}

Result<std::vector<int64_t>> check_inference_model(const InferenceModel& model) {
  CAIRN_RETURN_IF_ERROR(check_input(model));
  std::vector<int64_t> shape = model.input_shape;
  std::map<std::string, std::vector<int64_t>> shapes{{model.input_name, shape}};
  for (const InferenceStep& step : model.steps) {
    if (step.name.empty() || shapes.contains(step.name)) {
      return invalid_argument_error(
          "model '" + model.name + "': layer name '" + step.name +
          (step.name == model.input_name ? "' is the input's name" : "' is empty or repeated"));
    }
    for (const std::string& input : step.inputs) {
      if (!shapes.contains(input)) {
        return layer_error(
            step, "reads '" + input + "', which is neither the model's input nor an earlier step");
      }
    }
    if (step.inputs.size() > 1 && step.kind != InferenceStep::Kind::kLayer) {
      return layer_error(step, "only a kLayer step (a merge) reads several inputs");
    }
    if (!step.inputs.empty()) shape = shapes[step.inputs[0]];
    CAIRN_ASSIGN_OR_RETURN(shape, check_step(step, shape));
    shapes[step.name] = shape;
  }
  CAIRN_RETURN_IF_ERROR(check_outputs(model, shape));
  return shape;
}

}  // namespace cairn::internal
