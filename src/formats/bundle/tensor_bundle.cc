// The names of a checkpoint's files (see tensor_bundle.h): built and parsed
// here only.
#include "cairn/formats/bundle/tensor_bundle.h"

#include <charconv>
#include <cstdio>

#include "cairn/io/file_system.h"

namespace cairn {
namespace {

constexpr std::string_view kIndexSuffix = ".index";
constexpr std::string_view kMetaSuffix = ".meta";
constexpr std::string_view kDataSuffixStart = ".data-";
constexpr std::string_view kPreviousSuffix = ".previous";
constexpr size_t kMaxStepDigits = 15;  // below 2^53: exact as a double, as in Python

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// ".data-NNNNN-of-NNNNN"
bool is_data_suffix(std::string_view suffix) {
  if (!suffix.starts_with(kDataSuffixStart)) return false;
  std::string_view shard = suffix.substr(kDataSuffixStart.size());  // NNNNN-of-NNNNN
  return shard.size() == 14 && shard.substr(5, 4) == "-of-" && all_digits(shard.substr(0, 5)) &&
         all_digits(shard.substr(9));
}

std::optional<BundleFileKind> kind_of_suffix(std::string_view suffix) {
  if (suffix == kIndexSuffix) return BundleFileKind::kIndex;
  if (suffix == kMetaSuffix) return BundleFileKind::kMeta;
  if (is_data_suffix(suffix)) return BundleFileKind::kData;
  return std::nullopt;
}

}  // namespace

std::string bundle_index_path(std::string_view prefix) {
  return std::string(prefix).append(kIndexSuffix);
}

std::string bundle_data_path(std::string_view prefix, int shard_id, int num_shards) {
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), ".data-%05d-of-%05d", shard_id, num_shards);
  return std::string(prefix) + suffix;
}

std::string checkpoint_meta_path(std::string_view prefix) {
  return std::string(prefix).append(kMetaSuffix);
}

std::string previous_bundle_prefix(std::string_view prefix) {
  return std::string(prefix).append(kPreviousSuffix);
}

bool is_previous_bundle_prefix(std::string_view prefix) {
  return prefix.size() > kPreviousSuffix.size() && prefix.ends_with(kPreviousSuffix);
}

bool is_bundle_file_suffix(std::string_view suffix) { return kind_of_suffix(suffix).has_value(); }

std::optional<BundleFileName> parse_bundle_file_name(std::string_view name) {
  // A data suffix holds no '.' after ".data-"; the others start at the last '.'.
  for (size_t dot : {name.rfind(kDataSuffixStart), name.rfind('.')}) {
    if (dot == std::string_view::npos || dot == 0) continue;
    std::optional<BundleFileKind> kind = kind_of_suffix(name.substr(dot));
    if (kind && name[dot - 1] != '/') return BundleFileName{name.substr(0, dot), *kind};
  }
  return std::nullopt;
}

std::string checkpoint_prefix(std::string_view dir, std::string_view name, int64_t step) {
  return join_path(dir, std::string(name) + "-" + std::to_string(step));
}

std::optional<CheckpointName> parse_checkpoint_prefix(std::string_view prefix) {
  const std::string base = basename(prefix);
  const size_t dash = base.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  const std::string_view digits = std::string_view(base).substr(dash + 1);
  if (!all_digits(digits) || digits.size() > kMaxStepDigits) return std::nullopt;
  CheckpointName out{.name = base.substr(0, dash)};
  std::from_chars(digits.data(), digits.data() + digits.size(), out.step);
  return out;
}

std::optional<int64_t> checkpoint_step(std::string_view prefix) {
  std::optional<CheckpointName> name = parse_checkpoint_prefix(prefix);
  if (!name) return std::nullopt;
  return name->step;
}

}  // namespace cairn
