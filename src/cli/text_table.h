// Aligned plain-text tables for the commands that print one line per item
// (`cairn ls`, `cairn diff`): each column padded to its widest cell, two
// spaces apart, the last column left as it is (it may hold long messages).
//
//   TextTable table({.right_aligned = {false, true}, .indent = "  "});
//   table.add({"name", "bytes"});
//   table.add({"dnn/logits/kernel", "120"});
//   table.print(std::cout);
//   //   name               bytes
//   //   dnn/logits/kernel    120
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace cairn::cli {

struct TextTableOptions {
  std::vector<bool> right_aligned;  // per column; missing entries are left-aligned
  std::string indent;               // before every line
};

class TextTable {
 public:
  explicit TextTable(TextTableOptions options) : options_(std::move(options)) {}

  // One line; rows may have fewer cells than others.
  void add(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }

  void print(std::ostream& out) const;

 private:
  std::vector<size_t> widths() const;

  TextTableOptions options_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cairn::cli
