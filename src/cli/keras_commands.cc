#include "cli/keras_commands.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cairn/core/errors.h"
#include "cairn/data/dataset.h"
#include "cairn/estimator/csv_input.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"
#include "cli/flag_checks.h"
#include "cli/guarded.h"
#include "cli/json_tensor.h"
#include "cli/model_inputs.h"

namespace cairn::cli {

namespace {

void print_outputs(const std::vector<Tensor>& outputs, std::ostream& out) {
  ordered_json list = ordered_json::array();
  for (const Tensor& y : outputs) list.push_back(tensor_to_json(y));
  out << dump_line(ordered_json{{"outputs", std::move(list)}}) << "\n";
}

// --inputs IN.json: {"outputs": [[samples, ...], ...]} in the model's output order.
void predict_named_inputs(keras::Model& model, const KerasPredictCommand& cmd, std::ostream& out) {
  const NamedInputs inputs = read_model_inputs(cmd.inputs_json);
  const std::vector<std::string> names = model.input_names();
  const std::vector<keras::Shape> shapes = model.input_shapes();
  std::map<std::string, Tensor> x;
  for (size_t k = 0; k < names.size(); ++k) {
    x.emplace(names[k], inputs.take(names[k], shapes[k], /*only_input=*/names.size() == 1));
  }
  print_outputs(model.predict(x, static_cast<int>(cmd.batch_size)), out);
}

// --data ROWS.csv: each row one sample of the model's one input, flattened
// in row-major order; a line per sample (class and probabilities after a
// softmax, else the outputs), or one JSON list with --json.
void predict_rows(keras::Model& model, const KerasPredictCommand& cmd, std::ostream& out) {
  if (model.input_names().size() != 1 || model.output_names().size() != 1) {
    throw InvalidArgumentError("'" + cmd.model_path + "' has " +
                               std::to_string(model.input_names().size()) + " inputs and " +
                               std::to_string(model.output_names().size()) +
                               " outputs: --data takes a model of one of each; give the inputs "
                               "by name with --inputs IN.json");
  }
  const keras::Shape shape = model.input_shapes()[0];
  int64_t width = 1;
  for (int64_t d : shape) width *= d;
  estimator::CsvInput input = estimator::read_csv_input(cmd.data_csv, width);
  std::vector<int64_t> dims{input.features.rows()};
  dims.insert(dims.end(), shape.begin(), shape.end());
  Tensor x(DType::kFloat32, TensorShape(dims));
  std::copy(input.features.data(), input.features.data() + input.features.size(),
            x.flat<float>().begin());
  const Tensor outputs = model.predict({x}, static_cast<int>(cmd.batch_size))[0];
  const auto last =
      std::find_if(model.layers().begin(), model.layers().end(),
                   [&](const keras::LayerPtr& l) { return l->name() == model.output_names()[0]; });
  const bool softmax = (*last)->final_activation() == nn::Activation::kSoftmax;
  const int64_t columns = outputs.num_elements() / std::max<int64_t>(1, input.features.rows());
  nlohmann::json rows = nlohmann::json::array();
  for (int64_t i = 0; i < input.features.rows(); ++i) {
    std::vector<float> row(outputs.flat<float>().begin() + i * columns,
                           outputs.flat<float>().begin() + (i + 1) * columns);
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
}

}  // namespace

int run_summary(const std::string& model_path, std::ostream& out, std::ostream& err) {
  return guarded("summary", err, [&] {
    if (keras::is_functional_model_file(model_path)) {
      keras::load_functional_model(model_path).summary(out);
    } else {
      keras::load_model(model_path).summary(out);
    }
  });
}

// Every model file, Sequential or functional, predicts through keras::Model.
int run_keras_predict(const KerasPredictCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("predict", err, [&] {
    check_flag_range("--batch-size", cmd.batch_size, 1, data::kMaxBatchSize);
    keras::Model model = keras::load_functional_model(cmd.model_path);
    if (!cmd.inputs_json.empty()) return predict_named_inputs(model, cmd, out);
    predict_rows(model, cmd, out);
  });
}

}  // namespace cairn::cli
