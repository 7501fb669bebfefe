// How a failed restore is told (restore_report.h).
#include "cairn/checkpoint/restore_report.h"

namespace cairn {
namespace {

std::string dtype_text(DType dtype) { return std::string(dtype_name(dtype)); }

void add_list(std::string* out, const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  *out += "\n  " + title + " (" + std::to_string(items.size()) + "):";
  for (const auto& item : items) *out += "\n    " + item;
}

std::vector<std::string> tensor_lines(const std::vector<ReportedTensor>& tensors) {
  std::vector<std::string> lines;
  for (const ReportedTensor& t : tensors) {
    lines.push_back(t.name + " " + dtype_text(t.dtype) + " " + t.shape.to_string());
  }
  return lines;
}

// "name: model [20], checkpoint [10]", with dtypes when they differ.
std::string mismatch_line(const RestoreReport::Mismatch& m) {
  const bool dtypes_differ = m.model.dtype != m.checkpoint.dtype;
  return m.model.name + ": model " + m.model.shape.to_string() +
         (dtypes_differ ? " " + dtype_text(m.model.dtype) : "") + ", checkpoint " +
         m.checkpoint.shape.to_string() +
         (dtypes_differ ? " " + dtype_text(m.checkpoint.dtype) : "");
}

}  // namespace

std::string RestoreReport::message(const std::string& prefix) const {
  std::string out =
      "Restoring from checkpoint " + prefix + " failed: the model does not match the checkpoint.";
  std::vector<std::string> mismatch_lines;
  for (const Mismatch& m : mismatched) mismatch_lines.push_back(mismatch_line(m));
  std::vector<std::string> missing_lines;
  for (const Mismatch& m : missing) {
    missing_lines.push_back(m.model.name + " " + dtype_text(m.model.dtype) + " " +
                            m.model.shape.to_string());
  }
  add_list(&out, "Configuration recorded with the checkpoint differs", config_diffs);
  add_list(&out, "Shape or dtype mismatches", mismatch_lines);
  add_list(&out, "In the model but not in the checkpoint", missing_lines);
  add_list(&out, "In the checkpoint but not in the model", tensor_lines(unused));
  out +=
      "\nThe checkpoint was written by a different model. Train this model in a new model_dir, "
      "or build the model that wrote this one (keep a copy of the code that created each "
      "model_dir). Nothing in the model directory was changed.";
  return out;
}

std::string RestoreReport::object_graph_message(const std::string& prefix) const {
  std::vector<std::string> missing_lines;
  for (const Mismatch& m : missing) missing_lines.push_back(tensor_lines({m.model})[0]);
  std::string out = "Checkpoint " + prefix + " and the objects restored from it do not match:";
  add_list(&out, "In the checkpoint but taken by no object", tensor_lines(unused));
  add_list(&out, "In the objects but not in the checkpoint", missing_lines);
  out +=
      "\nValues are matched through the object graph (children by name, from the Checkpoint "
      "down). Track the same objects under the same names as the program that saved it, or "
      "call expect_partial() if a partial restore is intended.";
  return out;
}

std::string RestoreReport::weights_message(const std::string& model_name,
                                           const std::string& prefix) const {
  std::vector<std::string> problems = config_diffs;
  for (const Mismatch& m : mismatched) {
    problems.push_back("'" + m.checkpoint.name + "' is " + dtype_text(m.checkpoint.dtype) + " " +
                       m.checkpoint.shape.to_string() + " but " + m.model.name + " is " +
                       dtype_text(m.model.dtype) + " " + m.model.shape.to_string());
  }
  for (const Mismatch& m : missing) {
    problems.push_back("missing '" + m.checkpoint.name + "' for " + m.model.name + " " +
                       m.model.shape.to_string());
  }
  for (const ReportedTensor& t : extra) {
    problems.push_back("unexpected '" + t.name + "' " + t.shape.to_string() +
                       ": the checkpoint's model has weights this model lacks");
  }
  std::string out = "load_weights: model '" + model_name + "' does not match checkpoint '" +
                    prefix + "' (" + std::to_string(problems.size()) + " problem" +
                    (problems.size() == 1 ? "" : "s") + "):";
  for (const std::string& p : problems) out += "\n  - " + p;
  return out;
}

}  // namespace cairn
