#include "cairn/core/strings.h"

namespace cairn {
namespace {

template <typename T, typename Append>
std::string join_with(std::span<const T> items, std::string_view separator, Append append) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(separator);
    append(out, items[i]);
  }
  return out;
}

}  // namespace

std::string join(std::span<const std::string> items, std::string_view separator) {
  return join_with(items, separator, [](std::string& out, const std::string& s) { out += s; });
}

std::string join(std::span<const std::string_view> items, std::string_view separator) {
  return join_with(items, separator, [](std::string& out, std::string_view s) { out += s; });
}

std::string join(std::span<const int64_t> items, std::string_view separator) {
  return join_with(items, separator, [](std::string& out, int64_t n) { out += std::to_string(n); });
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
}

std::string_view trim(std::string_view text, std::string_view spaces) {
  const size_t begin = text.find_first_not_of(spaces);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(spaces) - begin + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string group_thousands(std::string_view number) {
  const size_t first = number.starts_with('-') || number.starts_with('+') ? 1 : 0;
  size_t end = number.find_first_not_of("0123456789", first);
  if (end == std::string_view::npos) end = number.size();
  std::string out(number.substr(0, first));
  for (size_t i = first; i < end; ++i) {
    if (i > first && (end - i) % 3 == 0) out += ',';
    out += number[i];
  }
  return out.append(number.substr(end));
}

}  // namespace cairn
