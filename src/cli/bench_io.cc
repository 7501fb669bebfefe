#include "cli/bench_io.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/formats/tensor_bundle.h"
#include "cli/guarded.h"

namespace cairn::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Throughput {
  double median = 0, min = 0, max = 0;
};

Throughput summarize(std::vector<double> gbps) {
  std::sort(gbps.begin(), gbps.end());
  const size_t n = gbps.size();
  const double median = n % 2 ? gbps[n / 2] : (gbps[n / 2 - 1] + gbps[n / 2]) / 2;
  return {median, gbps.front(), gbps.back()};
}

// `count` float32 tensors of `total_bytes` in all (the last takes the rest).
NamedTensors synthetic_state(int64_t total_bytes, int64_t count) {
  const int64_t elements = total_bytes / 4;
  const int64_t each = elements / count;
  NamedTensors state;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t n = i + 1 == count ? elements - each * (count - 1) : each;
    Tensor t(DType::kFloat32, {n});
    float value = static_cast<float>(i);
    for (float& v : t.flat<float>()) v = (value += 0.25f);
    char name[48];
    std::snprintf(name, sizeof(name), "bench/layer_%06lld/kernel", static_cast<long long>(i));
    state.emplace_back(name, std::move(t));
  }
  return state;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Reads every tensor back (each crc verified) and returns how many bytes.
int64_t restore_all(const std::string& prefix) {
  CheckpointReader reader(prefix);
  int64_t bytes = 0;
  for (const VariableInfo& v : reader.list_variables()) {
    bytes += static_cast<int64_t>(reader.get_tensor(v.name).num_elements()) * 4;
  }
  return bytes;
}

void remove_bundle(FileSystem& fs, const std::string& prefix) {
  (void)fs.remove_file(bundle_index_path(prefix));
  (void)fs.remove_file(bundle_data_path(prefix, 0, 1));
}

void check(const BenchIoCommand& cmd) {
  if (cmd.dir.empty()) throw InvalidArgumentError("--dir is required");
  if (cmd.size_mb < 1) throw InvalidArgumentError("--size-mb must be at least 1");
  if (cmd.tensors < 1 || cmd.tensors * 4 > cmd.size_mb * (1 << 20)) {
    throw InvalidArgumentError("--tensors must be between 1 and the number of float32 values");
  }
  if (cmd.runs < 1) throw InvalidArgumentError("--runs must be at least 1");
}

void print(const BenchIoCommand& cmd, int64_t bytes, const Throughput& save,
           const Throughput& restore, std::ostream& out) {
  if (cmd.json) {
    nlohmann::ordered_json doc{{"save_gbps", save.median},
                               {"save_gbps_min", save.min},
                               {"save_gbps_max", save.max},
                               {"restore_gbps", restore.median},
                               {"restore_gbps_min", restore.min},
                               {"restore_gbps_max", restore.max},
                               {"bytes", bytes},
                               {"tensors", cmd.tensors},
                               {"runs", cmd.runs},
                               {"dir", cmd.dir}};
    out << doc.dump() << "\n";
    return;
  }
  char line[160];
  std::snprintf(line, sizeof(line),
                "save     %.3f GB/s median (min %.3f, max %.3f) over %d runs, %lld bytes in %lld "
                "tensors\n",
                save.median, save.min, save.max, cmd.runs, static_cast<long long>(bytes),
                static_cast<long long>(cmd.tensors));
  out << line;
  std::snprintf(line, sizeof(line), "restore  %.3f GB/s median (min %.3f, max %.3f)\n",
                restore.median, restore.min, restore.max);
  out << line;
}

}  // namespace

int run_bench_io(const BenchIoCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("bench io", err, [&] {
    check(cmd);
    FileSystem& fs = default_file_system();
    const int64_t bytes = cmd.size_mb << 20;
    const NamedTensors state = synthetic_state(bytes, cmd.tensors);
    std::vector<double> save_gbps, restore_gbps;
    std::string previous;
    for (int run = 0; run < cmd.runs; ++run) {
      const std::string prefix = cmd.dir + "/bench.ckpt-" + std::to_string(run);
      auto start = Clock::now();
      save_variables(prefix, state, {.update_state_file = false}, fs);
      save_gbps.push_back(static_cast<double>(bytes) / 1e9 / seconds_since(start));
      if (!previous.empty()) remove_bundle(fs, previous);
      start = Clock::now();
      const int64_t restored = restore_all(prefix);
      restore_gbps.push_back(static_cast<double>(restored) / 1e9 / seconds_since(start));
      previous = prefix;
    }
    remove_bundle(fs, previous);
    print(cmd, bytes, summarize(save_gbps), summarize(restore_gbps), out);
  });
}

}  // namespace cairn::cli
