#include "cli/text_table.h"

#include <algorithm>

namespace cairn::cli {

std::vector<size_t> TextTable::widths() const {
  std::vector<size_t> out;
  for (const std::vector<std::string>& row : rows_) {
    if (row.size() > out.size()) out.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) out[i] = std::max(out[i], row[i].size());
  }
  return out;
}

void TextTable::print(std::ostream& out) const {
  const std::vector<size_t> width = widths();
  for (const std::vector<std::string>& row : rows_) {
    out << options_.indent;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool last = i + 1 == row.size();
      const std::string fill(width[i] - row[i].size(), ' ');
      const bool right = i < options_.right_aligned.size() && options_.right_aligned[i];
      if (right) out << fill;
      out << row[i];
      if (!right && !last) out << fill;
      if (!last) out << "  ";
    }
    out << "\n";
  }
}

}  // namespace cairn::cli
