// Lines, fields and numbers for the CSV reader; see csv_fields.h.
#include "csv_fields.h"

#include <charconv>
#include <system_error>

#include "cairn/core/strings.h"

namespace cairn::data::internal {
namespace {

constexpr std::string_view kSpace = " \t\r";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::vector<CsvLine> split_lines(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  std::vector<CsvLine> lines;
  int64_t number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    line = trim(line, kSpace);
    if (!line.empty()) lines.push_back({line, number});
  }
  return lines;
}

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  while (true) {
    size_t comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma), kSpace));
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

std::optional<float> parse_float(std::string_view field) {
  if (field.size() > 1 && field[0] == '+' && field[1] != '-') field.remove_prefix(1);
  float value = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> parse_count(std::string_view field) {
  if (field.starts_with('-')) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return value;
}

}  // namespace cairn::data::internal
