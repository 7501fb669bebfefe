#include "cli/ls_command.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "cairn/checkpoint/checkpoint_listing.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/file_system.h"
#include "cli/guarded.h"
#include "cli/progress_output.h"
#include "cli/text_table.h"

namespace cairn::cli {
namespace {

using OrderedJson = nlohmann::ordered_json;

// "2026-12-06 02:35:10" in local time; "-" when unknown.
std::string local_time(std::optional<double> seconds) {
  if (!seconds) return "-";
  const auto t = static_cast<std::time_t>(*seconds);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return "-";
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S", &local);
  return text.data();
}

// "721 B", "4.7 KiB", "12.3 MiB", ...
std::string human_bytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) value /= 1024, ++unit;
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1f %s", value, kUnits[unit]);
  return text.data();
}

// One line of the table: marker, step, written, size, shards, status, checkpoint.
std::vector<std::string> row_of(const CheckpointListing& c) {
  std::string name = basename(c.prefix);
  if (!c.problem.empty()) name += ": " + c.problem;
  return {c.newest ? "*" : "",      c.step ? std::to_string(*c.step) : "-",
          local_time(c.written),    human_bytes(c.bytes),
          std::to_string(c.shards), std::string(checkpoint_status_name(c.status)),
          std::move(name)};
}

OrderedJson listing_json(const CheckpointListing& c) {
  return {{"prefix", c.prefix},
          {"step", c.step ? OrderedJson(*c.step) : OrderedJson(nullptr)},
          {"written", c.written ? OrderedJson(local_time(c.written)) : OrderedJson(nullptr)},
          {"written_epoch", c.written ? OrderedJson(*c.written) : OrderedJson(nullptr)},
          {"bytes", c.bytes},
          {"shards", c.shards},
          {"status", checkpoint_status_name(c.status)},
          {"problem", c.problem},
          {"newest", c.newest}};
}

void print_listing_json(const LsCommand& cmd, const std::vector<CheckpointListing>& all,
                        std::ostream& out) {
  OrderedJson checkpoints = OrderedJson::array();
  for (const CheckpointListing& c : all) checkpoints.push_back(listing_json(c));
  OrderedJson doc = {{"dir", cmd.dir}, {"checkpoints", checkpoints}};
  out << doc.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << "\n";
}

void print_listing_text(const LsCommand& cmd, const std::vector<CheckpointListing>& all,
                        std::ostream& out) {
  TextTable table({.right_aligned = {false, true, false, true, true}});
  table.add({"", "step", "written", "size", "shards", "status", "checkpoint"});
  for (const CheckpointListing& c : all) table.add(row_of(c));
  table.print(out);
  if (std::any_of(all.begin(), all.end(), [](const auto& c) { return c.newest; })) {
    out << "* the newest checkpoint named by " << join_path(cmd.dir, kCheckpointStateFilename)
        << "\n";
  }
}

// "no checkpoint in directory D", pointing at the subdirectories that hold
// some (a TensorFlow tutorial's folder of runs, an Estimator's export/).
std::string no_checkpoint_message(const std::string& dir) {
  FileSystem& fs = default_file_system();
  std::string message = "no checkpoint in directory " + dir;
  std::vector<std::string> holding;
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>()) {
    const std::string sub = join_path(dir, name);
    if (fs.is_directory(sub) && !checkpoint_candidates(sub, fs).empty()) holding.push_back(sub);
  }
  std::sort(holding.begin(), holding.end());
  for (size_t i = 0; i < holding.size(); ++i) {
    message += (i == 0 ? "; these subdirectories hold some: " : ", ") + holding[i];
  }
  return message;
}

}  // namespace

int run_ls(const LsCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("ls", err, [&] {
    std::unique_ptr<ProgressBar> bar = command_progress(err, "ls", cmd.no_progress);
    const std::vector<CheckpointListing> all =
        list_checkpoints(cmd.dir, default_file_system(), bar.get());
    if (bar) bar->finish();
    if (all.empty()) throw NotFoundError(no_checkpoint_message(cmd.dir));
    if (cmd.json) {
      print_listing_json(cmd, all, out);
    } else {
      print_listing_text(cmd, all, out);
    }
  });
}

Command ls_command() {
  return make_command<LsCommand>(
      "ls", "List a model directory's checkpoints: step, time, size, shards, status",
      [](CLI::App& cmd, LsCommand& c) {
        cmd.add_option("dir", c.dir, "Model directory")->required();
        cmd.add_flag("--json", c.json,
                     "Print JSON: {dir, checkpoints: [{prefix, step, written, bytes, shards, "
                     "status, problem, newest}]}");
        add_no_progress_flag(cmd, c.no_progress);
      },
      [](CLI::App&, LsCommand& c, std::ostream& out, std::ostream& err) {
        return run_ls(c, out, err);
      });
}

}  // namespace cairn::cli
