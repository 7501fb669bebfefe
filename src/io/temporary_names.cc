#include "cairn/io/temporary_names.h"

#include <cstdio>
#include <random>

namespace cairn {
namespace {

constexpr size_t kTemporaryDigits = 16;

bool is_lower_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string temporary_path_for(std::string_view path, std::string_view marker) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char digits[kTemporaryDigits + 1];
  std::snprintf(digits, sizeof(digits), "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(path).append(marker).append(digits);
}

bool is_temporary_name(std::string_view name, std::string_view marker) {
  if (name.size() <= kTemporaryDigits + marker.size()) return false;
  const std::string_view digits = name.substr(name.size() - kTemporaryDigits);
  const std::string_view rest = name.substr(0, name.size() - kTemporaryDigits);
  return is_lower_hex(digits) && rest.ends_with(marker);
}

}  // namespace cairn
