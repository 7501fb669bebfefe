#include "cli/diff_command.h"

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "cairn/checkpoint/checkpoint_diff.h"
#include "cli/guarded.h"
#include "cli/text_table.h"

namespace cairn::cli {
namespace {

using OrderedJson = nlohmann::ordered_json;

// Exit statuses, as diff(1)'s.
constexpr int kSame = 0;
constexpr int kDifferent = 1;
constexpr int kTrouble = 2;

// "float32 [10, 3]"
std::string type_of(DType dtype, const TensorShape& shape) {
  return std::string(dtype_name(dtype)) + " " + shape.to_string();
}

std::string number(double value) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.6g", value);
  return text.data();
}

void print_infos(const char* title, const std::vector<VariableInfo>& infos, std::ostream& out) {
  if (infos.empty()) return;
  out << title << ":\n";
  TextTable table({.indent = "  "});
  for (const VariableInfo& v : infos) table.add({v.name, type_of(v.dtype, v.shape)});
  table.print(out);
}

void print_type_changes(const CheckpointDiff& d, std::ostream& out) {
  if (d.type_changes.empty()) return;
  out << "dtype or shape changed:\n";
  TextTable table({.indent = "  "});
  for (const TensorTypeChange& c : d.type_changes) {
    table.add({c.name, type_of(c.a.dtype, c.a.shape) + " -> " + type_of(c.b.dtype, c.b.shape)});
  }
  table.print(out);
}

std::vector<std::string> changed_row(const TensorComparison& c, double tolerance) {
  std::vector<std::string> row = {c.name, type_of(c.dtype, c.shape)};
  if (!c.numeric) {
    row.push_back("bytes differ");
    return row;
  }
  row.insert(row.end(),
             {number(c.max_abs_diff), number(c.mean_abs_diff), number(c.relative_change),
              std::to_string(c.elements_changed) + "/" + std::to_string(c.shape.num_elements())});
  if (c.within(tolerance)) row.push_back("(within tolerance)");
  return row;
}

// The tensors whose values differ; returns how many are identical.
size_t print_changed(const CheckpointDiff& d, double tolerance, std::ostream& out) {
  TextTable table({.right_aligned = {false, false, true, true, true, true}, .indent = "  "});
  size_t identical = 0;
  for (const TensorComparison& c : d.compared) {
    if (c.identical) {
      ++identical;
    } else {
      table.add(changed_row(c, tolerance));
    }
  }
  if (!table.empty()) {
    out << "changed (max |a-b|, mean |a-b|, relative ||a-b||/||a||, elements changed):\n";
    table.print(out);
  }
  return identical;
}

void print_diff_text(const CheckpointDiff& d, double tolerance, std::ostream& out) {
  out << "A: " << d.prefix_a << "\nB: " << d.prefix_b << "\n";
  print_infos("only in A", d.only_in_a, out);
  print_infos("only in B", d.only_in_b, out);
  print_type_changes(d, out);
  const size_t identical = print_changed(d, tolerance, out);
  out << "identical: " << identical << " of " << d.compared.size() << " tensors in both\n";
  out << (d.differs(tolerance) ? "the checkpoints differ" : "no difference") << "\n";
}

OrderedJson info_json(const VariableInfo& v) {
  return {{"name", v.name}, {"dtype", dtype_name(v.dtype)}, {"shape", v.shape.dims()}};
}

OrderedJson infos_json(const std::vector<VariableInfo>& infos) {
  OrderedJson out = OrderedJson::array();
  for (const VariableInfo& v : infos) out.push_back(info_json(v));
  return out;
}

OrderedJson comparison_json(const TensorComparison& c) {
  return {{"name", c.name},
          {"dtype", dtype_name(c.dtype)},
          {"shape", c.shape.dims()},
          {"identical", c.identical},
          {"numeric", c.numeric},
          {"max_abs_diff", c.max_abs_diff},  // infinities are written as null
          {"mean_abs_diff", c.mean_abs_diff},
          {"relative_change", c.relative_change},
          {"elements_changed", c.elements_changed}};
}

void print_diff_json(const CheckpointDiff& d, double tolerance, std::ostream& out) {
  OrderedJson changes = OrderedJson::array();
  for (const TensorTypeChange& c : d.type_changes) {
    changes.push_back({{"name", c.name}, {"a", info_json(c.a)}, {"b", info_json(c.b)}});
  }
  OrderedJson tensors = OrderedJson::array();
  for (const TensorComparison& c : d.compared) tensors.push_back(comparison_json(c));
  OrderedJson doc = {{"a", d.prefix_a},
                     {"b", d.prefix_b},
                     {"tolerance", tolerance},
                     {"differ", d.differs(tolerance)},
                     {"only_in_a", infos_json(d.only_in_a)},
                     {"only_in_b", infos_json(d.only_in_b)},
                     {"type_changes", changes},
                     {"tensors", tensors}};
  out << doc.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << "\n";
}

}  // namespace

int run_diff(const DiffCommand& cmd, std::ostream& out, std::ostream& err) {
  std::optional<CheckpointDiff> diff;
  if (guarded("diff", err, [&] { diff = diff_checkpoints(cmd.a, cmd.b); }) != 0) return kTrouble;
  if (cmd.json) {
    print_diff_json(*diff, cmd.tolerance, out);
  } else {
    print_diff_text(*diff, cmd.tolerance, out);
  }
  return diff->differs(cmd.tolerance) ? kDifferent : kSame;
}

Command diff_command() {
  return make_command<DiffCommand>(
      "diff", "Compare two checkpoints (prefixes or model dirs) tensor by tensor",
      [](CLI::App& cmd, DiffCommand& d) {
        cmd.add_option("a", d.a, "Checkpoint prefix or model directory (A)")->required();
        cmd.add_option("b", d.b, "Checkpoint prefix or model directory (B)")->required();
        cmd.add_flag("--json", d.json,
                     "Print JSON: {a, b, differ, only_in_a, only_in_b, type_changes, tensors}");
        cmd.add_option("--tolerance", d.tolerance,
                       "Count numeric tensors whose values are all within X as unchanged")
            ->check(CLI::NonNegativeNumber);
      },
      [](CLI::App&, DiffCommand& d, std::ostream& out, std::ostream& err) {
        return run_diff(d, out, err);
      });
}

}  // namespace cairn::cli
