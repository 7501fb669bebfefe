// The one restore path (restore.h): open the index, match the plan, read
// every target once with its crc, and fall back past damaged checkpoints.
#include "cairn/checkpoint/restore.h"

#include <algorithm>
#include <string_view>

#include "cairn/core/errors.h"
#include "checkpoint/newest_intact.h"
#include "checkpoint/restore_match.h"

namespace cairn {
namespace {

// A plan matched against a checkpoint's index: the report, and what to read.
struct MatchedPlan {
  RestoreReport report;
  std::vector<BundleReadTarget> reads;
};

MatchedPlan match(const BundleReader& bundle, const RestorePlan& plan) {
  const std::vector<BundleEntry>& entries = bundle.entries();
  std::vector<internal::StoredTensor> stored;
  stored.reserve(entries.size());
  for (const BundleEntry& e : entries) stored.push_back({e.name, e.dtype, e.shape});
  internal::PlanMatch matched = internal::match_plan(plan, stored);
  MatchedPlan out{.report = std::move(matched.report), .reads = {}};
  for (auto [target, entry] : matched.matched) {
    out.reads.push_back({&entries[entry], plan.targets[target].value});
  }
  return out;
}

// The targets' values before a restore, to put back if it fails.
class Snapshot {
 public:
  explicit Snapshot(const std::vector<BundleReadTarget>& reads) {
    for (const BundleReadTarget& r : reads) saved_.emplace_back(r.dest, *r.dest);
  }
  void put_back() {
    for (auto& [dest, value] : saved_) *dest = std::move(value);
  }

 private:
  std::vector<std::pair<Tensor*, Tensor>> saved_;
};

// Plans, checks and reads one open checkpoint into `out`. A read or crc
// failure is returned (the checkpoint is damaged); a report that is not ok
// is thrown as InvalidArgumentError before anything is written.
Status restore_from(std::unique_ptr<CheckpointReader> reader, const RestorePlanner& planner,
                    FileSystem& fs, Restored* out) {
  const std::string prefix = reader->prefix();
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> meta,
                         internal::read_checkpoint_meta(fs, prefix));
  RestorePlan plan;
  try {
    plan = planner({prefix, *reader, meta});
  } catch (const DataLossError& e) {  // the planner read damaged bytes (an object graph)
    return data_loss_error(e.what());
  }
  MatchedPlan matched = match(reader->bundle(), plan);
  if (!matched.report.ok()) {
    throw InvalidArgumentError(plan.describe ? plan.describe(matched.report, prefix)
                                             : matched.report.message(prefix));
  }
  std::optional<Snapshot> before;
  if (plan.keep_on_failure) before.emplace(matched.reads);
  const Status read = reader->bundle().read_many_into(matched.reads);
  if (!read.ok()) {
    if (before) before->put_back();
    return read;
  }
  out->prefix = prefix;
  out->reader = std::move(reader);
  out->meta = std::move(meta);
  return ok_status();
}

// Throws on every rank unless every rank restored `mine` ("" for none),
// naming the ranks by the prefix each restored, lowest rank first.
void agree_on_prefix(ProcessGroup& group, const std::string& mine, const std::string& what) {
  if (group.size() == 1) return;
  const std::vector<std::string> all = group.all_gather(mine, what);
  std::vector<std::pair<std::string, std::vector<int>>> ranks_of;  // by first rank
  for (size_t r = 0; r < all.size(); ++r) {
    auto same = std::find_if(ranks_of.begin(), ranks_of.end(),
                             [&](const auto& group_of) { return group_of.first == all[r]; });
    if (same == ranks_of.end()) same = ranks_of.insert(ranks_of.end(), {all[r], {}});
    same->second.push_back(static_cast<int>(r));
  }
  if (ranks_of.size() == 1) return;
  std::string message = what + ": the ranks restored different checkpoints:";
  for (const auto& [prefix, ranks] : ranks_of) {
    message += " " + describe_ranks(ranks) + " " + (prefix.empty() ? "none" : prefix) + ";";
  }
  message.back() = '.';
  throw FailedPreconditionError(message);
}

// `restore` on this rank, then the group's agreement on its outcome.
template <typename Restore>
auto restore_in_group(ProcessGroup& group, const std::string& what, Restore restore) {
  decltype(restore()) restored;
  run_and_agree(
      group, [&] { restored = restore(); }, what);
  return restored;
}

std::optional<Restored> restore_newest_here(const std::string& dir, const RestorePlanner& planner,
                                            RestoreOptions options, FileSystem& fs) {
  Restored restored;
  auto attempt = [&](const std::string& prefix) -> Status {
    CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> bundle, BundleReader::open(fs, prefix));
    return restore_from(std::make_unique<CheckpointReader>(std::move(bundle)), planner, fs,
                        &restored);
  };
  std::optional<internal::ChosenCheckpoint> chosen =
      internal::choose_newest_intact(dir, options, fs, attempt);
  if (!chosen) return std::nullopt;
  restored.skipped = std::move(chosen->skipped);
  return restored;
}

}  // namespace

std::optional<Restored> restore_newest(const std::string& dir, const RestorePlanner& planner,
                                       RestoreOptions options, FileSystem& fs,
                                       ProcessGroup& group) {
  const std::string what = "checkpoint restore from " + dir;
  std::optional<Restored> restored =
      restore_in_group(group, what, [&] { return restore_newest_here(dir, planner, options, fs); });
  agree_on_prefix(group, restored ? restored->prefix : "", what);
  return restored;
}

Restored restore_checkpoint(const std::string& path, const RestorePlanner& planner, FileSystem& fs,
                            ProcessGroup& group) {
  const std::string what = "checkpoint restore from " + path;
  Restored restored = restore_in_group(group, what, [&] {
    Restored here;
    throw_if_error(restore_from(std::make_unique<CheckpointReader>(path, fs), planner, fs, &here));
    return here;
  });
  agree_on_prefix(group, restored.prefix, what);
  return restored;
}

}  // namespace cairn
