#include "keras/callbacks/str_format.h"

#include <cmath>
#include <cstdio>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"

namespace cairn::keras::internal {

namespace {

struct Spec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^', '=' or 0 (default)
  char sign = '-';
  int width = 0;
  bool comma = false;
  int precision = -1;
  char type = 0;
};

[[noreturn]] void bad_template(const std::string& format, const std::string& why) {
  throw InvalidArgumentError("bad file name template '" + format + "': " + why);
}

bool is_align(char c) { return c == '<' || c == '>' || c == '^' || c == '='; }

Spec parse_spec(const std::string& s, const std::string& format) {
  Spec spec;
  size_t i = 0;
  if (s.size() >= 2 && is_align(s[1])) {
    spec.fill = s[0], spec.align = s[1], i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = s[0], i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
  if (i < s.size() && s[i] == '0') {
    if (spec.align == 0) spec.fill = '0', spec.align = '=';
    ++i;
  }
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    spec.width = spec.width * 10 + (s[i++] - '0');
  }
  if (i < s.size() && s[i] == ',') spec.comma = true, ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) {
      bad_template(format, "precision without digits in '" + s + "'");
    }
    spec.precision = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      spec.precision = spec.precision * 10 + (s[i++] - '0');
    }
  }
  if (i < s.size()) spec.type = s[i++];
  if (i != s.size() ||
      (spec.type != 0 && std::string("dfFeEgG%s").find(spec.type) == std::string::npos)) {
    bad_template(format, "unsupported format spec '" + s + "'");
  }
  return spec;
}

// The digits of |value| (no sign) for the spec's type.
std::string body(double value, const Spec& spec, const std::string& format) {
  const double magnitude = std::abs(value);
  const bool integral = value == std::floor(value) && magnitude < 9.2e18;
  char buffer[512];
  char type = spec.type;
  if (type == 0) type = integral && spec.precision < 0 ? 'd' : 'g';
  if (type == 'd') {
    if (!integral) bad_template(format, "format 'd' for the non-integer " + std::to_string(value));
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(magnitude));
  } else if (type == '%') {
    std::snprintf(buffer, sizeof buffer, "%.*f%%", spec.precision < 0 ? 6 : spec.precision,
                  magnitude * 100);
  } else if (type == 's') {
    std::snprintf(buffer, sizeof buffer, "%.17g", magnitude);
  } else {
    const char conv[] = {'%', '.', '*', type, 0};
    const int precision = spec.precision < 0 ? (spec.type == 0 ? 12 : 6) : spec.precision;
    std::snprintf(buffer, sizeof buffer, conv, precision, magnitude);
  }
  return spec.comma ? group_thousands(buffer) : std::string(buffer);
}

std::string apply_spec(double value, const Spec& spec, const std::string& format) {
  std::string digits = body(value, spec, format);
  std::string sign = std::signbit(value) && value != 0.0 ? "-"
                                                         : (spec.sign == '+'   ? "+"
                                                            : spec.sign == ' ' ? " "
                                                                               : "");
  const auto width = static_cast<size_t>(spec.width);
  const size_t length = sign.size() + digits.size();
  if (length >= width) return sign + digits;
  const std::string pad(width - length, spec.fill);
  switch (spec.align) {
    case '<':
      return sign + digits + pad;
    case '^':
      return pad.substr(0, pad.size() / 2) + sign + digits + pad.substr(pad.size() / 2);
    case '=':
      return sign + pad + digits;
    default:  // numbers align right
      return pad + sign + digits;
  }
}

}  // namespace

std::string python_format(const std::string& format, const std::map<std::string, double>& values) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out += '}', ++i;
        continue;
      }
      bad_template(format, "single '}'");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{', ++i;
      continue;
    }
    const size_t close = format.find('}', i);
    if (close == std::string::npos) bad_template(format, "'{' without '}'");
    const std::string field = format.substr(i + 1, close - i - 1);
    const size_t colon = field.find(':');
    const std::string key = field.substr(0, colon);
    auto it = values.find(key);
    if (it == values.end()) {
      std::string present;
      for (const auto& [name, v] : values) present += (present.empty() ? "" : ", ") + name;
      throw InvalidArgumentError("file name template '" + format + "' uses '" + key +
                                 "', which is not among the values (" + present + ")");
    }
    const Spec spec =
        colon == std::string::npos ? Spec{} : parse_spec(field.substr(colon + 1), format);
    out += apply_spec(it->second, spec, format);
    i = close;
  }
  return out;
}

}  // namespace cairn::keras::internal
