#include "cli/keras_commands.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cairn/core/errors.h"
#include "cairn/data/dataset.h"
#include "cairn/estimator/csv_input.h"
#include "cairn/keras/sequential.h"
#include "cli/flag_checks.h"
#include "cli/guarded.h"
#include "cli/json_tensor.h"
#include "cli/model_inputs.h"

namespace cairn::cli {

namespace {

int64_t input_width(const keras::Sequential& model) {
  int64_t width = 1;
  for (int64_t d : model.input_shape()) width *= d;
  return width;
}

// Keras's name for the model's input: its InputLayer's, else "<first layer>_input".
std::string input_name(const keras::Sequential& model) {
  if (model.layers().empty()) return "input_1";
  const keras::Layer& first = *model.layers().front();
  return first.class_name() == "InputLayer" ? first.name() : first.name() + "_input";
}

// --inputs IN.json: {"outputs": [[samples, ...]]} in the model's output order.
void predict_named_inputs(keras::Sequential& model, const KerasPredictCommand& cmd,
                          std::ostream& out) {
  const NamedInputs inputs = read_model_inputs(cmd.inputs_json);
  const std::string name = input_name(model);
  const Tensor x = inputs.take(name, model.input_shape(), /*only_input=*/true);
  const Tensor y = model.predict(x, static_cast<int>(cmd.batch_size));
  out << dump_line(ordered_json{{"outputs", ordered_json::array({tensor_to_json(y)})}}) << "\n";
}

}  // namespace

int run_summary(const std::string& model_path, std::ostream& out, std::ostream& err) {
  return guarded("summary", err, [&] { keras::load_model(model_path).summary(out); });
}

int run_keras_predict(const KerasPredictCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("predict", err, [&] {
    check_flag_range("--batch-size", cmd.batch_size, 1, data::kMaxBatchSize);
    keras::Sequential model = keras::load_model(cmd.model_path);
    if (!cmd.inputs_json.empty()) return predict_named_inputs(model, cmd, out);
    estimator::CsvInput input = estimator::read_csv_input(cmd.data_csv, input_width(model));
    std::vector<int64_t> dims{input.features.rows()};
    dims.insert(dims.end(), model.input_shape().begin(), model.input_shape().end());
    Tensor x(DType::kFloat32, TensorShape(dims));
    std::copy(input.features.data(), input.features.data() + input.features.size(),
              x.flat<float>().begin());
    const Tensor outputs = model.predict(x, static_cast<int>(cmd.batch_size));
    const bool softmax = model.layers().back()->final_activation() == nn::Activation::kSoftmax;
    const int64_t width = outputs.num_elements() / std::max<int64_t>(1, input.features.rows());
    nlohmann::json rows = nlohmann::json::array();
    for (int64_t i = 0; i < input.features.rows(); ++i) {
      std::vector<float> row(outputs.flat<float>().begin() + i * width,
                             outputs.flat<float>().begin() + (i + 1) * width);
      if (softmax) {
        const auto best = std::max_element(row.begin(), row.end()) - row.begin();
        rows.push_back({{"class_id", best}, {"probabilities", row}});
      } else {
        rows.push_back({{"outputs", row}});
      }
    }
    if (cmd.json) {
      out << rows.dump() << "\n";
      return;
    }
    for (const auto& row : rows) out << row.dump() << "\n";
  });
}

}  // namespace cairn::cli
