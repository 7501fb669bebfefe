// The bytes of a collective's messages (rank_messages.h).
#include "distribute/rank_messages.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace cairn::distribute::internal {

std::string label_of(std::string_view kind, const std::string& what) {
  std::string label(kind);
  label.push_back('\0');
  return label + what;
}

void write_arrival(const std::string& label, std::string_view payload, std::string& message) {
  const auto length = static_cast<uint32_t>(label.size());
  message.resize(sizeof(length) + label.size() + payload.size());
  std::memcpy(message.data(), &length, sizeof(length));
  std::memcpy(message.data() + sizeof(length), label.data(), label.size());
  if (!payload.empty()) {
    std::memcpy(message.data() + sizeof(length) + label.size(), payload.data(), payload.size());
  }
}

std::pair<std::string_view, std::string_view> parse_arrival(std::string_view message) {
  uint32_t length = 0;
  if (message.size() < sizeof(length)) return {"?", {}};
  std::memcpy(&length, message.data(), sizeof(length));
  length = std::min<uint32_t>(length, message.size() - sizeof(length));
  return {message.substr(sizeof(length), length), message.substr(sizeof(length) + length)};
}

std::string describe_mismatch(int rank, std::string_view theirs, std::string_view ours) {
  const auto split = [](std::string_view label) {
    const size_t end = std::min(label.find('\0'), label.size());
    return std::pair(label.substr(0, end), label.substr(std::min(end + 1, label.size())));
  };
  const auto [their_kind, their_what] = split(theirs);
  const auto [our_kind, our_what] = split(ours);
  const bool same_what = their_what == our_what;
  const auto at = [&](std::string_view kind, std::string_view what) {
    return "\"" + std::string(what) + "\"" + (same_what ? " (" + std::string(kind) + ")" : "");
  };
  return "rank " + std::to_string(rank) + " is at " + at(their_kind, their_what) +
         " while rank 0 is at " + at(our_kind, our_what);
}

}  // namespace cairn::distribute::internal
