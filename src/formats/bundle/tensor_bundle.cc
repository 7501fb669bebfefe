#include "cairn/formats/bundle/tensor_bundle.h"

#include <cstdio>

namespace cairn {

std::string bundle_index_path(std::string_view prefix) { return std::string(prefix) + ".index"; }

std::string bundle_data_path(std::string_view prefix, int shard_id, int num_shards) {
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), ".data-%05d-of-%05d", shard_id, num_shards);
  return std::string(prefix) + suffix;
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool is_bundle_file_suffix(std::string_view suffix) {
  if (suffix == ".index" || suffix == ".meta") return true;
  if (!suffix.starts_with(".data-")) return false;
  std::string_view shard = suffix.substr(6);  // NNNNN-of-NNNNN
  return shard.size() == 14 && shard.substr(5, 4) == "-of-" && all_digits(shard.substr(0, 5)) &&
         all_digits(shard.substr(9));
}

}  // namespace cairn
