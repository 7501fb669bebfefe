#include "bench/bench_sharded_save.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_group.h"
#include "bench/bench_program.h"
#include "bench/bench_state.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cli/guarded.h"
#include "cli/job_group.h"

namespace cairn::bench {
namespace {

void check(const BenchShardedSaveCommand& cmd) {
  if (cmd.dir.empty()) throw InvalidArgumentError("--dir is required");
  if (cmd.size_mb < 1) throw InvalidArgumentError("--size-mb must be at least 1");
  if (cmd.tensors < 1 || cmd.tensors * 4 > cmd.size_mb * (1 << 20)) {
    throw InvalidArgumentError("--tensors must be between 1 and the number of float32 values");
  }
  if (cmd.runs < 1) throw InvalidArgumentError("--runs must be at least 1");
}

// Rank 0 reads the checkpoint back: every tensor listed, the last one's
// values as saved. Returns its number of data shards.
int verify(const std::string& prefix, const NamedTensors& state) {
  CheckpointReader reader(prefix);
  if (reader.list_variables().size() != state.size()) {
    throw DataLossError(prefix + " lists " + std::to_string(reader.list_variables().size()) +
                        " tensors, " + std::to_string(state.size()) + " were saved");
  }
  if (reader.get_tensor(state.back().first) != state.back().second) {
    throw DataLossError(prefix + ": tensor " + state.back().first + " differs from the saved");
  }
  return reader.bundle().num_shards();
}

nlohmann::ordered_json to_json(const BenchShardedSaveCommand& cmd, int ranks, int shards,
                               const std::vector<double>& seconds) {
  const int64_t bytes = cmd.size_mb << 20;
  std::vector<double> rates;
  for (double s : seconds) rates.push_back(static_cast<double>(bytes) / 1e9 / s);
  const Summary gbps = summarize(rates);
  return {{"tool", "cairn"},
          {"ranks", ranks},
          {"bytes", bytes},
          {"tensors", cmd.tensors},
          {"runs", cmd.runs},
          {"shards", shards},
          {"save_seconds", seconds},
          {"save_gbps", gbps.median},
          {"save_gbps_min", gbps.min},
          {"save_gbps_max", gbps.max},
          {"dir", cmd.dir}};
}

void print_sharded_save_text(const nlohmann::ordered_json& doc, std::ostream& out) {
  char line[240];
  std::snprintf(line, sizeof(line),
                "sharded save, %d ranks: %.3f GB/s median (min %.3f, max %.3f) over %d runs, "
                "%lld bytes in %lld tensors, %d data shards\n",
                doc["ranks"].get<int>(), doc["save_gbps"].get<double>(),
                doc["save_gbps_min"].get<double>(), doc["save_gbps_max"].get<double>(),
                doc["runs"].get<int>(), doc["bytes"].get<long long>(),
                doc["tensors"].get<long long>(), doc["shards"].get<int>());
  out << line;
}

}  // namespace

int run_bench_sharded_save(const BenchShardedSaveCommand& cmd, std::ostream& out,
                           std::ostream& err) {
  return cli::guarded(kProgram, "sharded-save", err, [&] {
    check(cmd);
    const std::unique_ptr<ProcessGroup> mpi =
        cli::job_process_group(cli::kDefaultCollectiveTimeout);
    ProcessGroup& group = mpi ? *mpi : single_process();
    FileSystem& fs = default_file_system();
    const NamedTensors state = synthetic_state(cmd.size_mb << 20, cmd.tensors);
    CheckpointManager manager({.directory = cmd.dir, .max_to_keep = 0, .group = &group}, fs);
    std::vector<double> seconds;
    int shards = 0;
    for (int run = 0; run < cmd.runs; ++run) {
      const std::string what = "sharded-save run " + std::to_string(run + 1);
      group.barrier(what + ": start");
      const auto start = std::chrono::steady_clock::now();
      const std::string prefix = manager.save(run + 1, state);
      const std::vector<double> by_rank =
          gather_doubles(group, seconds_since(start), what + ": seconds");
      seconds.push_back(*std::max_element(by_rank.begin(), by_rank.end()));
      if (group.is_chief()) {
        if (run == 0) shards = verify(prefix, state);
        CheckpointManager::delete_checkpoint_files(fs, prefix);
      }
    }
    group.barrier("sharded-save: done");
    if (!group.is_chief()) return;
    (void)fs.remove_file(checkpoint_state_path(cmd.dir));
    const auto doc = to_json(cmd, group.size(), shards, seconds);
    if (cmd.json) {
      out << doc.dump() << "\n";
    } else {
      print_sharded_save_text(doc, out);
    }
  });
}

}  // namespace cairn::bench
