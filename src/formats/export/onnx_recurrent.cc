// Keras's LSTM and GRU as ONNX's LSTM and GRU ops (onnx_layers.h):
//   LSTM  Keras kernel [in, 4H] gates i f c o -> W [1, 4H, in] gates i o f c;
//         recurrent_kernel likewise -> R; bias -> B [1, 8H] = [bias, 0]
//   GRU   Keras gates z r h as ONNX's; reset_after=true: bias [2, 3H] -> B = [b0, b1]
//         with linear_before_reset=1; reset_after=false: B = [bias, 0]
// The input [batch, steps, features] is transposed to ONNX's time-major
// [steps, batch, features]; the result back to Keras's layout.
#include "formats/export/onnx_layers.h"

namespace cairn::internal {
namespace {

using Json = nlohmann::json;

// Keras's [rows, blocks * h] gate matrix as ONNX's [1, blocks * h, rows],
// its blocks taken in `order`.
Tensor onnx_gates(const Tensor& keras, const std::vector<int>& order) {
  const int64_t rows = keras.shape().dim(0), cols = keras.shape().dim(1);
  const int64_t h = cols / static_cast<int64_t>(order.size());
  Tensor out(DType::kFloat32, TensorShape{1, cols, rows});
  const auto from = keras.flat<float>();
  auto to = out.flat<float>();
  for (size_t b = 0; b < order.size(); ++b) {
    for (int64_t j = 0; j < h; ++j) {
      const int64_t src_col = order[b] * h + j, dst_row = static_cast<int64_t>(b) * h + j;
      for (int64_t i = 0; i < rows; ++i) to[dst_row * rows + i] = from[i * cols + src_col];
    }
  }
  return out;
}

// ONNX's B [1, 2 * gates * h]: the input bias then the recurrent bias.
Tensor onnx_rnn_bias(const Tensor* bias, const std::vector<int>& order, int64_t gh) {
  Tensor out(DType::kFloat32, TensorShape{1, 2 * gh});
  auto to = out.flat<float>();
  for (float& v : to) v = 0;
  if (bias == nullptr) return out;
  const auto from = bias->flat<float>();
  const int64_t h = gh / static_cast<int64_t>(order.size());
  const int64_t halves = static_cast<int64_t>(from.size()) / gh;  // 2: GRU reset_after
  for (int64_t half = 0; half < halves; ++half) {
    for (size_t b = 0; b < order.size(); ++b) {
      for (int64_t j = 0; j < h; ++j) {
        to[half * gh + static_cast<int64_t>(b) * h + j] = from[half * gh + order[b] * h + j];
      }
    }
  }
  return out;
}

}  // namespace

Result<std::string> add_onnx_recurrent(OnnxGraph& g, const InferenceStep& step, const Json& config,
                                       const std::string& x) {
  const bool lstm = step.class_name == "LSTM";
  if (config.value("activation", std::string("tanh")) != "tanh" ||
      config.value("recurrent_activation", std::string("sigmoid")) != "sigmoid") {
    return onnx_refusal(step, "activations other than tanh and sigmoid gates");
  }
  if (config.value("go_backwards", false)) return onnx_refusal(step, "go_backwards");
  const Tensor* kernel = onnx_weight(step, "kernel");
  const Tensor* recurrent = onnx_weight(step, "recurrent_kernel");
  if (kernel == nullptr || recurrent == nullptr) return onnx_refusal(step, "it has no kernels");
  const int64_t h = recurrent->shape().dim(0);
  const std::vector<int> order = lstm ? std::vector<int>{0, 3, 1, 2} : std::vector<int>{0, 1, 2};
  const bool reset_after = !lstm && config.value("reset_after", true);
  std::vector<onnx::AttributeProto> attributes{int_attribute("hidden_size", h)};
  if (reset_after) attributes.push_back(int_attribute("linear_before_reset", 1));
  const std::string xt = onnx_transpose(g, step.name + "/time_major", x, {1, 0, 2});
  const std::vector<std::string> outputs = g.add_multi(
      lstm ? "LSTM" : "GRU", step.name + (lstm ? "/LSTM" : "/GRU"),
      {xt, g.add_initializer(step.name + "/W", onnx_gates(*kernel, order)),
       g.add_initializer(step.name + "/R", onnx_gates(*recurrent, order)),
       g.add_initializer(step.name + "/B", onnx_rnn_bias(onnx_weight(step, "bias"), order,
                                                         static_cast<int64_t>(order.size()) * h))},
      {"Y", "Y_h"}, std::move(attributes));
  if (!config.value("return_sequences", false)) {  // Y_h [1, batch, h] -> [batch, h]
    return g.add("Reshape", step.name + "/last",
                 {outputs[1], g.add_int64_initializer(step.name + "/last/shape", {-1, h})});
  }
  // Y [steps, 1, batch, h] -> [batch, steps, 1, h] -> [batch, steps, h]
  const std::string y = onnx_transpose(g, step.name + "/batch_major", outputs[0], {2, 0, 1, 3});
  return g.add("Reshape", step.name + "/sequences",
               {y, g.add_int64_initializer(step.name + "/sequences/shape", {0, 0, h})});
}

}  // namespace cairn::internal
