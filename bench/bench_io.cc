#include "bench/bench_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_program.h"
#include "bench/bench_state.h"
#include "cairn/checkpoint/async_saver.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cli/guarded.h"

namespace cairn::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Reads every tensor back into `model` in one pass (each crc verified), as
// a trainer resuming restores into its variables, and returns how many bytes.
int64_t restore_all(const std::string& prefix, NamedTensors& model) {
  CheckpointReader reader(prefix);
  std::vector<BundleReadTarget> targets;
  int64_t bytes = 0;
  for (auto& [name, tensor] : model) {
    const BundleEntry* entry = reader.bundle().find(name);
    if (entry == nullptr) throw NotFoundError("tensor " + name + " is not in " + prefix);
    targets.push_back({entry, &tensor});
    bytes += static_cast<int64_t>(tensor.byte_size());
  }
  throw_if_error(reader.bundle().read_many_into(targets));
  return bytes;
}

// The peer of a warm restore: memcpy of the same bytes into the same
// existing memory (no file, no crc), in seconds.
double memcpy_all(const NamedTensors& state, NamedTensors& model) {
  const auto start = Clock::now();
  for (size_t i = 0; i < state.size(); ++i) {
    std::memcpy(model[i].second.data(), state[i].second.data(), state[i].second.byte_size());
  }
  return seconds_since(start);
}

// Seconds to open the checkpoint and read its middle tensor (a lazy restore).
double restore_one(const std::string& prefix) {
  const auto start = Clock::now();
  CheckpointReader reader(prefix);
  const auto all = reader.list_variables();
  (void)reader.get_tensor(all[all.size() / 2].name);
  return seconds_since(start);
}

std::vector<std::string> bundle_files(const std::string& prefix) {
  return {bundle_index_path(prefix), bundle_data_path(prefix, 0, 1)};
}

// Drops the files' pages from the page cache (they were fsynced, so the
// pages are clean), so that the next read comes from the disk.
void evict_from_page_cache(const std::string& prefix) {
  for (const std::string& path : bundle_files(prefix)) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

// Reads the files through the page cache so that they are all in memory: a
// cold restore reads around the cache (direct I/O), so a warm restore needs
// the files put there first, as a file written by another program or read
// recently would be.
void load_into_page_cache(const std::string& prefix) {
  std::vector<char> chunk(1 << 20);
  for (const std::string& path : bundle_files(prefix)) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    while (::read(fd, chunk.data(), chunk.size()) > 0) {
    }
    ::close(fd);
  }
}

// Linux: VmHWM (peak resident memory) can be reset by writing 5 to
// /proc/self/clear_refs. Returns the kB value of `field` in /proc/self/status.
std::optional<double> status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1));
  }
  return std::nullopt;
}

bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

struct RunTimes {
  std::vector<double> save, save_blocking, restore_cold, restore_warm, restore_one, memcpy;
  std::optional<double> peak_extra_mib;
};

// One save through the training code path: synchronous (streamed from the
// tensors) or asynchronous (copied, written by a background thread).
// One AsyncSaver serves every run, as one serves a whole training run: its
// copy of the state is made ahead (prepare), every save rewrites it.
void timed_save(const BenchIoCommand& cmd, const NamedTensors& state, const std::string& prefix,
                AsyncSaver& saver, RunTimes& times) {
  const bool can_measure = reset_peak_rss();
  const std::optional<double> before = status_kb("VmRSS");
  const auto start = Clock::now();
  if (cmd.async) {
    saver.save(refs_to(state), [&prefix](const NamedTensors& copy) {
      save_variables(prefix, copy, {.update_state_file = false});
    });
    times.save_blocking.push_back(seconds_since(start));
    saver.wait();
  } else {
    save_variables(prefix, refs_to(state), {.update_state_file = false});
  }
  times.save.push_back(seconds_since(start));
  const std::optional<double> peak = status_kb("VmHWM");
  if (can_measure && before && peak) {
    const double mib = std::max(0.0, (*peak - *before) / 1024.0);
    times.peak_extra_mib = std::max(times.peak_extra_mib.value_or(0.0), mib);
  }
}

void check(const BenchIoCommand& cmd) {
  if (cmd.dir.empty()) throw InvalidArgumentError("--dir is required");
  if (cmd.size_mb < 1) throw InvalidArgumentError("--size-mb must be at least 1");
  if (cmd.tensors < 1 || cmd.tensors * 4 > cmd.size_mb * (1 << 20)) {
    throw InvalidArgumentError("--tensors must be between 1 and the number of float32 values");
  }
  if (cmd.runs < 1) throw InvalidArgumentError("--runs must be at least 1");
}

nlohmann::ordered_json to_json(const BenchIoCommand& cmd, int64_t bytes, const RunTimes& t) {
  nlohmann::ordered_json doc{{"tool", "cairn"},
                             {"bytes", bytes},
                             {"tensors", cmd.tensors},
                             {"runs", cmd.runs},
                             {"async", cmd.async},
                             {"save_seconds", t.save},
                             {"restore_seconds", t.restore_cold},
                             {"restore_warm_seconds", t.restore_warm},
                             {"restore_one_seconds", t.restore_one},
                             {"memcpy_seconds", t.memcpy}};
  if (cmd.async) doc["save_blocking_seconds"] = t.save_blocking;
  doc["save_peak_extra_mib"] = t.peak_extra_mib ? nlohmann::ordered_json(*t.peak_extra_mib)
                                                : nlohmann::ordered_json(nullptr);
  const auto gbps = [bytes](const std::vector<double>& seconds) {
    std::vector<double> rates;
    for (double s : seconds) rates.push_back(static_cast<double>(bytes) / 1e9 / s);
    return summarize(rates);
  };
  for (const auto& [key, seconds] :
       {std::pair{"save_gbps", &t.save}, std::pair{"restore_gbps", &t.restore_cold},
        std::pair{"restore_warm_gbps", &t.restore_warm}, std::pair{"memcpy_gbps", &t.memcpy}}) {
    const Summary s = gbps(*seconds);
    doc[key] = s.median;
    doc[std::string(key) + "_min"] = s.min;
    doc[std::string(key) + "_max"] = s.max;
  }
  doc["restore_warm_over_memcpy"] = summarize(t.memcpy).median / summarize(t.restore_warm).median;
  doc["dir"] = cmd.dir;
  return doc;
}

void print_io_text(const nlohmann::ordered_json& doc, std::ostream& out) {
  char line[200];
  for (const char* figure : {"save", "restore", "restore_warm", "memcpy"}) {
    const std::string key = std::string(figure) + "_gbps";
    std::snprintf(line, sizeof(line), "%-13s %.3f GB/s median (min %.3f, max %.3f)\n", figure,
                  doc[key].get<double>(), doc[key + "_min"].get<double>(),
                  doc[key + "_max"].get<double>());
    out << line;
  }
  std::snprintf(line, sizeof(line), "restore_warm / memcpy = %.2f (medians)\n",
                doc["restore_warm_over_memcpy"].get<double>());
  out << line;
  const Summary one = summarize(doc["restore_one_seconds"].get<std::vector<double>>());
  std::snprintf(line, sizeof(line),
                "restore one   %.2f ms median for 1 of %lld tensors (cold, lazy)\n"
                "%lld bytes, %d runs%s; restore = cold (evicted from the page cache), "
                "restore_warm = files in the page cache\n",
                one.median * 1e3, doc["tensors"].get<long long>(), doc["bytes"].get<long long>(),
                doc["runs"].get<int>(), doc["async"].get<bool>() ? ", asynchronous saves" : "");
  out << line;
  if (doc.contains("save_blocking_seconds")) {
    const Summary b = summarize(doc["save_blocking_seconds"].get<std::vector<double>>());
    const Summary s = summarize(doc["save_seconds"].get<std::vector<double>>());
    std::snprintf(line, sizeof(line), "async save blocked %.1f ms of %.1f ms (median)\n",
                  b.median * 1e3, s.median * 1e3);
    out << line;
  }
}

}  // namespace

int run_bench_io(const BenchIoCommand& cmd, std::ostream& out, std::ostream& err) {
  return cli::guarded(kProgram, "io", err, [&] {
    check(cmd);
    FileSystem& fs = default_file_system();
    const int64_t bytes = cmd.size_mb << 20;
    const NamedTensors state = synthetic_state(bytes, cmd.tensors);
    NamedTensors model = state;  // the variables restores fill: allocated and touched once
    RunTimes times;
    AsyncSaver saver;
    // As the Estimator and ModelCheckpoint do when training starts: the copy
    // is allocated and touched in the background, ahead of the first save.
    if (cmd.async) saver.prepare(refs_to(state));
    for (int run = 0; run < cmd.runs; ++run) {
      const std::string prefix = cmd.dir + "/bench.ckpt-" + std::to_string(run);
      timed_save(cmd, state, prefix, saver, times);
      evict_from_page_cache(prefix);
      auto start = Clock::now();
      if (restore_all(prefix, model) != bytes) {
        throw DataLossError("restored fewer bytes than saved");
      }
      times.restore_cold.push_back(seconds_since(start));
      load_into_page_cache(prefix);
      start = Clock::now();
      (void)restore_all(prefix, model);
      times.restore_warm.push_back(seconds_since(start));
      times.memcpy.push_back(memcpy_all(state, model));
      if (run == 0 && model != state) throw DataLossError("restored values differ from the saved");
      evict_from_page_cache(prefix);
      times.restore_one.push_back(restore_one(prefix));
      for (const std::string& path : bundle_files(prefix)) (void)fs.remove_file(path);
    }
    const auto doc = to_json(cmd, bytes, times);
    if (cmd.json) {
      out << doc.dump() << "\n";
    } else {
      print_io_text(doc, out);
    }
  });
}

}  // namespace cairn::bench
