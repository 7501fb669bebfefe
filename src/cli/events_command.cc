// `cairn events` (events_command.h): the command entry, and the text listing
// and tag table it prints by default.
#include "cli/events_command.h"

#include <algorithm>
#include <ostream>

#include "cairn/core/errors.h"
#include "cli/events_output.h"
#include "cli/guarded.h"
#include "cli/shortest_text.h"

namespace cairn::cli {
namespace {

constexpr const char* kHelp =
    "Print the scalars and histograms of a log directory's runs, as TensorBoard loads them";

std::string point_line(const ScalarEvent& p) {
  return "step " + std::to_string(p.step) + "  " + utc_time_text(p.wall_time) + "  " +
         shortest_event_value(p.value);
}

std::string point_line(const HistogramEvent& h) {
  return "step " + std::to_string(h.step) + "  " + utc_time_text(h.wall_time) + "  count " +
         shortest_text(h.count) + "  min " + shortest_event_value(h.min) + "  max " +
         shortest_event_value(h.max) + "  mean " + shortest_text(h.mean) + "  stddev " +
         shortest_text(h.stddev);
}

std::string count_text(size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string series_line(const TagSeries& s) {
  return s.tag + "  (" + kind_name(s) + ", " + count_text(s.points.size(), "point") + ", steps " +
         std::to_string(s.first_step) + ".." + std::to_string(s.last_step) + ")";
}

void print_listing(const std::vector<EventRun>& runs, std::ostream& out) {
  for (const EventRun& run : runs) {
    const std::vector<TagSeries> series = tag_series(run);
    out << "run " << run.name << "  (" << count_text(run.files.size(), "event file")
        << (series.empty() ? "; no scalar or histogram" : "") << ")\n";
    for (const TagSeries& s : series) {
      out << "  " << series_line(s) << "\n";
      for (size_t i : s.points) {
        out << "    " << (s.histogram ? point_line(run.histograms[i]) : point_line(run.scalars[i]))
            << "\n";
      }
    }
  }
}

// Rows of cells, each column padded to its widest cell.
void print_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

void print_tags(const std::vector<EventRun>& runs, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {
      {"run", "tag", "kind", "points", "first step", "last step"}};
  for (const EventRun& run : runs) {
    for (const TagSeries& s : tag_series(run)) {
      rows.push_back({run.name, s.tag, kind_name(s), std::to_string(s.points.size()),
                      std::to_string(s.first_step), std::to_string(s.last_step)});
    }
  }
  print_table(rows, out);
}

}  // namespace

int run_events(const EventsCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("events", err, [&] {
    const std::vector<EventRun> runs =
        value_or_throw(read_event_runs(default_file_system(), cmd.logdir));
    if (runs.empty())
      throw NotFoundError("no event file (name containing \"tfevents\") under " + cmd.logdir);
    if (cmd.json) {
      out << dump_line(cmd.tags ? tags_json(cmd.logdir, runs) : events_json(cmd.logdir, runs))
          << "\n";
    } else if (cmd.csv) {
      cmd.tags ? print_tags_csv(runs, out) : print_events_csv(runs, out);
    } else {
      cmd.tags ? print_tags(runs, out) : print_listing(runs, out);
    }
  });
}

Command events_command() {
  return make_command<EventsCommand>(
      "events", kHelp,
      [](CLI::App& cmd, EventsCommand& e) {
        cmd.add_option("logdir", e.logdir, "Log directory (or one event file)")->required();
        cmd.add_flag("--tags", e.tags,
                     "One line per run and tag: kind (scalar/histogram), points, first and last "
                     "step");
        auto* csv = cmd.add_flag(
            "--csv", e.csv,
            "CSV, one row per point: run,tag,step,wall_time,value,kind,count,min,max,mean,stddev "
            "(kind scalar: value set, count..stddev empty; kind histogram: value empty, the "
            "histogram's count, min, max, mean, stddev). With --tags: "
            "run,tag,kind,points,first_step,last_step");
        auto* json = cmd.add_flag("--json", e.json,
                                  "JSON: {logdir, runs: [{name, files, scalars: {tag: [{step, "
                                  "wall_time, value}]}, histograms: {tag: [{step, wall_time, "
                                  "count, min, max, mean, stddev, buckets: [[left, right, "
                                  "count]]}]}}]}");
        csv->excludes(json);
      },
      [](CLI::App&, EventsCommand& e, std::ostream& out, std::ostream& err) {
        return run_events(e, out, err);
      });
}

}  // namespace cairn::cli
