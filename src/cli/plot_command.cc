#include "cli/plot_command.h"

#include <ostream>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "cairn/formats/events/event_runs.h"
#include "cairn/io/file_system.h"
#include "cairn/plot/render.h"
#include "cli/guarded.h"

namespace cairn::cli {
namespace {

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// A run's legend name: as TensorBoard names it under one logdir; prefixed by
// the logdir when there are several.
std::string run_label(const std::string& logdir, const std::string& run, bool several) {
  if (!several) return run;
  return run == "." ? logdir : logdir + "/" + run;
}

PlotRun plot_run(std::string name, const EventRun& run) {
  PlotRun plotted{.name = std::move(name)};
  for (const ScalarEvent& s : run.scalars) plotted.scalars.push_back({s.tag, s.step, s.value});
  return plotted;
}

// The runs with scalars of every logdir, in the order given; a line on
// `err` names each run left out.
std::vector<PlotRun> read_plot_runs(FileSystem& fs, const std::vector<std::string>& logdirs,
                                    std::ostream& err) {
  std::vector<PlotRun> runs;
  for (const std::string& given : logdirs) {
    const std::string logdir = without_trailing_slashes(given);
    const std::vector<EventRun> event_runs = value_or_throw(read_event_runs(fs, logdir));
    if (event_runs.empty()) {
      throw NotFoundError("no event files under " + logdir +
                          ": expected a log directory holding events.out.tfevents.* files");
    }
    for (const EventRun& run : event_runs) {
      const std::string label = run_label(logdir, run.name, logdirs.size() > 1);
      if (run.scalars.empty()) {
        err << "cairn plot: left out run " << label << ": its event files hold no scalar\n";
        continue;
      }
      runs.push_back(plot_run(label, run));
    }
  }
  if (runs.empty()) {
    throw NotFoundError("no scalar summaries in the event files under " + join(logdirs, ", ") +
                        ": expected a run with at least one scalar to plot");
  }
  return runs;
}

void print_chart_summary(const PlotCommand& cmd, const Chart& chart, std::ostream& out) {
  std::vector<std::string> titles;
  for (const PlotPanel& panel : chart.panels) titles.push_back(panel.title);
  out << "Wrote " << cmd.out << ": " << titles.size() << " panel(s) (" << join(titles, ", ")
      << "), " << chart.runs.size() << " run(s) (" << join(chart.runs, ", ") << ")\n";
}

}  // namespace

int run_plot(const PlotCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("plot", err, [&] {
    FileSystem& fs = default_file_system();
    const PlotFormat format = value_or_throw(plot_format_for_path(cmd.out));
    const PlotOptions options{.smoothing = cmd.smoothing, .columns = cmd.columns};
    throw_if_error(check_plot_options(options));
    const Chart chart = value_or_throw(build_chart(read_plot_runs(fs, cmd.logdirs, err), cmd.tags));
    const std::string bytes = value_or_throw(render_chart(chart, format, options));
    throw_if_error(fs.write_file_atomically(cmd.out, bytes));
    print_chart_summary(cmd, chart, out);
  });
}

Command plot_command() {
  return make_command<PlotCommand>(
      "plot", "Draw the scalar curves of log directories as a PNG, SVG or PDF",
      [](CLI::App& cmd, PlotCommand& p) {
        cmd.add_option("logdir", p.logdirs, "Log (model) directories; one line per run of each")
            ->required();
        cmd.add_option("-o,--out", p.out, "Output file: .png, .svg or .pdf")->required();
        cmd.add_option("--tags", p.tags, "Tags to plot, e.g. loss,accuracy (default: all)")
            ->delimiter(',');
        cmd.add_option("--smoothing", p.smoothing,
                       "TensorBoard's smoothing weight in [0, 1) (default 0.6; 0: raw)");
        cmd.add_option("--columns", p.columns, "Panels side by side (default: up to 3)");
      },
      [](CLI::App&, PlotCommand& p, std::ostream& out, std::ostream& err) {
        return run_plot(p, out, err);
      });
}

}  // namespace cairn::cli
