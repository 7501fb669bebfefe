#include "keras/summary_table.h"

#include "cairn/core/strings.h"

namespace cairn::keras::internal {

std::string summary_row(const std::vector<std::string>& fields, const std::vector<int>& positions) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line = line.substr(0, line.size() - 1) + " ";
    line += fields[i];
    const auto end = static_cast<size_t>(positions[i]);
    line = line.substr(0, end);
    line += std::string(end - line.size(), ' ');
  }
  return line;
}

std::string shape_text(const Shape& shape) {
  std::string text = "(None";
  for (int64_t d : shape) text += ", " + std::to_string(d);
  return text + ")";
}

std::string with_commas(int64_t n) { return group_thousands(std::to_string(n)); }

std::string params_totals(const nn::VariableRefs& weights) {
  int64_t total = 0, trainable = 0;
  for (const nn::Variable* w : weights) {
    total += w->value.num_elements();
    if (w->trainable) trainable += w->value.num_elements();
  }
  return "Total params: " + with_commas(total) + "\nTrainable params: " + with_commas(trainable) +
         "\nNon-trainable params: " + with_commas(total - trainable) + "\n";
}

}  // namespace cairn::keras::internal
