// CSV reading. A file is an optional header line, then one example per
// line, every field a number:
//
//   120,4,setosa,versicolor,virginica      TensorFlow's Iris header: row
//   6.4,2.8,5.6,2.2,2                      count, feature count, class names
//   5.0,2.3,3.3,1.0,1
//
//   SepalLength,SepalWidth,...             or a header of column names
//
// The first line is a header only when it is one of those two kinds: every
// field a name (not empty, not number-like: no leading digit, sign or point
// followed by a digit, no nan/inf), or two counts followed by class names.
// Anything else is data, so an empty field, "0x10" or "1e39" there is an
// error naming the line and column, never a silently skipped row. Blank
// lines are skipped; "\r\n" and surrounding spaces are accepted. Each column becomes a
// [rows, 1] feature matrix, except the label column, which becomes `labels`.
#include "cairn/data/csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "csv_fields.h"

namespace cairn::data {
namespace {

using internal::CsvLine;

// What the first line said, when it was a header.
struct Header {
  bool present = false;
  int64_t line = 0;
  std::vector<std::string> names;        // a header of column names, or
  std::vector<std::string> class_names;  // TensorFlow's Iris header:
  int64_t rows = -1;                     //   its row count
  int64_t features = -1;                 //   and feature count
};

// The columns every data row has.
struct Layout {
  std::vector<std::string> names;  // every column, in file order
  bool named = false;              // names come from the options or the header
  int64_t label = -1;              // index of the label column; -1: none
  int64_t other_width = -1;        // label_is_last_extra_column: the width rows may not mix in
};

std::vector<std::string> to_strings(std::span<const std::string_view> fields) {
  return std::vector<std::string>(fields.begin(), fields.end());
}

std::vector<std::string> numbered_names(int64_t n) {
  std::vector<std::string> names;
  for (int64_t i = 0; i < n; ++i) names.push_back(std::to_string(i));
  return names;
}

// A header field: not empty and nothing a reader could take for a number
// ("12", "-.5", "1e39", "0x10", "nan").
bool is_name(std::string_view field) {
  if (field.empty() || internal::parse_float(field)) return false;
  size_t i = field[0] == '+' || field[0] == '-' ? 1 : 0;
  if (i < field.size() && field[i] == '.') ++i;
  return i >= field.size() || !std::isdigit(static_cast<unsigned char>(field[i]));
}

bool all_names(std::span<const std::string_view> fields) {
  return std::all_of(fields.begin(), fields.end(), is_name);
}

// "120,4,setosa,versicolor,virginica": two counts, then names.
bool is_iris_header(const std::vector<std::string_view>& fields) {
  return fields.size() >= 3 && internal::parse_count(fields[0]) &&
         internal::parse_count(fields[1]) && all_names(std::span(fields).subspan(2));
}

Header read_header(const std::vector<CsvLine>& lines) {
  Header header;
  if (lines.empty()) return header;
  std::vector<std::string_view> fields;
  internal::split_fields(lines[0].text, fields);
  if (!all_names(fields) && !is_iris_header(fields)) return header;
  header.present = true;
  header.line = lines[0].number;
  if (!is_iris_header(fields)) {
    header.names = to_strings(fields);
    return header;
  }
  header.rows = *internal::parse_count(fields[0]);
  header.features = *internal::parse_count(fields[1]);
  header.class_names = to_strings(std::span(fields).subspan(2));
  return header;
}

class CsvParser {
 public:
  CsvParser(std::string_view text, const CsvOptions& options, const std::string& source)
      : options_(options), source_(source), lines_(internal::split_lines(text)) {
    header_ = read_header(lines_);
    first_ = header_.present ? 1 : 0;
  }

  Result<CsvData> parse() {
    CAIRN_ASSIGN_OR_RETURN(Layout layout, make_layout());
    std::vector<std::vector<float>> columns(layout.names.size());
    for (size_t i = first_; i < lines_.size(); ++i) {
      CAIRN_RETURN_IF_ERROR(parse_row(lines_[i], layout, columns));
    }
    int64_t rows = static_cast<int64_t>(lines_.size() - first_);
    if (header_.rows >= 0 && header_.rows != rows) {
      return line_error(header_.line, "the header announces " + std::to_string(header_.rows) +
                                          " rows but the file has " + std::to_string(rows));
    }
    return assemble(layout, columns, rows);
  }

 private:
  Status error(const std::string& what) const {
    return invalid_argument_error(source_ + ": " + what);
  }
  Status line_error(int64_t line, const std::string& what) const {
    return invalid_argument_error(source_ + ":" + std::to_string(line) + ": " + what);
  }

  // Fields in the first data row; -1 when there is none.
  int64_t first_width() const {
    if (first_ >= lines_.size()) return -1;
    std::vector<std::string_view> fields;
    internal::split_fields(lines_[first_].text, fields);
    return static_cast<int64_t>(fields.size());
  }

  std::vector<std::string> given_names() const {
    return options_.column_names.empty() ? header_.names : options_.column_names;
  }

  Result<Layout> make_layout() const {
    CAIRN_RETURN_IF_ERROR(check_header_width());
    CAIRN_ASSIGN_OR_RETURN(Layout layout, options_.label_is_last_extra_column
                                              ? extra_column_layout()
                                              : named_column_layout());
    std::unordered_set<std::string_view> seen;
    for (const std::string& name : layout.names) {
      if (!seen.insert(name).second) return error("column name '" + name + "' appears twice");
    }
    return layout;
  }

  // A header of names is as wide as the rows; TensorFlow's header announces
  // the feature count, which rows have with or without a label.
  Status check_header_width() const {
    const int64_t width = first_width();
    if (!header_.present || width < 0) return ok_status();
    const auto names = static_cast<int64_t>(header_.names.size());
    if (header_.features < 0 && !options_.label_is_last_extra_column && names != width) {
      return line_error(header_.line, "the header names " + std::to_string(names) +
                                          " columns but line " +
                                          std::to_string(lines_[first_].number) + " has " +
                                          std::to_string(width));
    }
    if (header_.features >= 0 && width != header_.features && width != header_.features + 1) {
      return line_error(header_.line, "the header announces " + std::to_string(header_.features) +
                                          " features but line " +
                                          std::to_string(lines_[first_].number) + " has " +
                                          std::to_string(width) + " columns");
    }
    return ok_status();
  }

  // Columns named by the options, the header or their number; the label is
  // options_.label_column, if any.
  Result<Layout> named_column_layout() const {
    Layout layout{.names = given_names()};
    layout.named = !layout.names.empty();
    if (!layout.named) layout.names = numbered_names(std::max<int64_t>(first_width(), 0));
    if (options_.label_column.empty()) return layout;
    auto it = std::find(layout.names.begin(), layout.names.end(), options_.label_column);
    if (it == layout.names.end()) {
      return error("label column '" + options_.label_column + "' is not one of the columns (" +
                   join(layout.names, ", ") + ")");
    }
    layout.label = it - layout.names.begin();
    return layout;
  }

  // num_features columns, plus the label as one more when the first row has it.
  Result<Layout> extra_column_layout() const {
    int64_t n = options_.num_features >= 0 ? options_.num_features : header_.features;
    if (n < 0) return error("label_is_last_extra_column needs num_features");
    int64_t width = first_width() < 0 ? n : first_width();
    if (width != n && width != n + 1) {
      return line_error(lines_[first_].number, "expected " + std::to_string(n) +
                                                   " feature columns, or " + std::to_string(n + 1) +
                                                   " with the label, found " +
                                                   std::to_string(width));
    }
    Layout layout{.names = given_names()};
    layout.named = !layout.names.empty();
    int64_t count = static_cast<int64_t>(layout.names.size());
    if (layout.named && count != n && count != n + 1) {
      return error(std::to_string(count) + " column names for " + std::to_string(n) + " features");
    }
    if (!layout.named) layout.names = numbered_names(n);
    if (static_cast<int64_t>(layout.names.size()) == n) layout.names.push_back("label");
    layout.names.resize(width);
    layout.label = width > n ? n : -1;
    layout.other_width = width > n ? n : n + 1;
    return layout;
  }

  std::string column(const Layout& layout, size_t c) const {
    std::string out = "column " + std::to_string(c + 1);
    return layout.named ? out + " (" + layout.names[c] + ")" : out;
  }

  Status check_width(const CsvLine& line, const Layout& layout, size_t width) const {
    size_t expected = layout.names.size();
    if (width == expected) return ok_status();
    std::string what =
        "expected " + std::to_string(expected) + " columns, found " + std::to_string(width);
    if (static_cast<int64_t>(width) == layout.other_width) {
      what += " (rows with and without the label column cannot mix)";
    }
    return line_error(line.number, what);
  }

  // A label must be a class id when the header names the classes.
  Status check_label(const CsvLine& line, const Layout& layout, std::string_view field,
                     float label) const {
    float classes = static_cast<float>(header_.class_names.size());
    if (layout.label < 0 || classes == 0) return ok_status();
    if (label >= 0 && label < classes && std::floor(label) == label) return ok_status();
    return line_error(line.number, column(layout, layout.label) + ": label '" + std::string(field) +
                                       "' is not a class id 0.." +
                                       std::to_string(header_.class_names.size() - 1));
  }

  // Why a bad first line was read as data.
  std::string header_hint(const CsvLine& line) const {
    if (header_.present || line.number != lines_.front().number) return "";
    return " (a header line holds only column names, or is TensorFlow's "
           "'count,features,class names...')";
  }

  Status parse_row(const CsvLine& line, const Layout& layout,
                   std::vector<std::vector<float>>& columns) {
    internal::split_fields(line.text, fields_);
    CAIRN_RETURN_IF_ERROR(check_width(line, layout, fields_.size()));
    for (size_t c = 0; c < fields_.size(); ++c) {
      std::optional<float> value = internal::parse_float(fields_[c]);
      if (!value) {
        return line_error(line.number, column(layout, c) + ": '" + std::string(fields_[c]) +
                                           "' is not a number" + header_hint(line));
      }
      columns[c].push_back(*value);
    }
    if (layout.label < 0) return ok_status();
    return check_label(line, layout, fields_[layout.label], columns[layout.label].back());
  }

  CsvData assemble(const Layout& layout, std::vector<std::vector<float>>& columns,
                   int64_t rows) const {
    CsvData data{.labels = nn::Matrix(rows, 0),
                 .class_names = header_.class_names,
                 .rows = rows,
                 .header_line = header_.line};
    for (size_t c = 0; c < columns.size(); ++c) {
      nn::Matrix m(rows, 1);
      std::copy(columns[c].begin(), columns[c].end(), m.data());
      std::vector<float>().swap(columns[c]);  // keep peak memory near one copy
      if (static_cast<int64_t>(c) == layout.label) {
        data.labels = std::move(m);
        continue;
      }
      data.features.emplace(layout.names[c], std::move(m));
      data.feature_names.push_back(layout.names[c]);
    }
    return data;
  }

  const CsvOptions& options_;
  const std::string& source_;
  std::vector<CsvLine> lines_;  // non-blank lines; views into the text
  Header header_;
  size_t first_ = 0;                      // index of the first data line
  std::vector<std::string_view> fields_;  // scratch for parse_row
};

}  // namespace

Result<CsvData> parse_csv(std::string_view text, const CsvOptions& options,
                          const std::string& source) {
  return CsvParser(text, options, source).parse();
}

Result<CsvData> read_csv(FileSystem& fs, const std::string& path, const CsvOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string text, fs.read_file(path));
  return parse_csv(text, options, path);
}

CsvData read_csv(const std::string& path, const CsvOptions& options) {
  return value_or_throw(read_csv(default_file_system(), path, options));
}

}  // namespace cairn::data
