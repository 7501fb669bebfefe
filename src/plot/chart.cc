#include "cairn/plot/chart.h"

#include <algorithm>
#include <set>

#include "cairn/core/strings.h"

namespace cairn {
namespace {

PlotSeries series_of(const PlotRun& run, const std::string& tag) {
  PlotSeries series{.run = run.name};
  for (const TaggedPoint& s : run.scalars) {
    if (s.tag == tag) series.points.push_back({s.step, s.value});
  }
  std::stable_sort(series.points.begin(), series.points.end(),
                   [](const PlotPoint& a, const PlotPoint& b) { return a.step < b.step; });
  return series;
}

PlotPanel panel_of(const std::vector<PlotRun>& runs, const std::string& tag) {
  PlotPanel panel{.title = tag};
  for (const PlotRun& run : runs) {
    PlotSeries series = series_of(run, tag);
    if (!series.points.empty()) panel.series.push_back(std::move(series));
  }
  return panel;
}

Status check_runs(const std::vector<PlotRun>& runs) {
  if (runs.empty()) return invalid_argument_error("no runs to plot: expected at least one run");
  for (const PlotRun& run : runs) {
    if (run.scalars.empty()) {
      return invalid_argument_error("run '" + run.name +
                                    "' has no scalars: expected at least one (step, value) point");
    }
  }
  return ok_status();
}

Status check_tags(const std::vector<PlotRun>& runs, const std::vector<std::string>& tags) {
  const std::vector<std::string> present = chart_tags(runs);
  std::vector<std::string> missing;
  for (const std::string& tag : tags) {
    if (!std::binary_search(present.begin(), present.end(), tag)) missing.push_back(tag);
  }
  if (missing.empty()) return ok_status();
  return invalid_argument_error("no run has the tag(s) " + join(missing, ", ") +
                                "; expected one of: " + join(present, ", "));
}

// The runs named by the panels' series, in the order of `runs`.
std::vector<std::string> runs_shown(const std::vector<PlotRun>& runs,
                                    const std::vector<PlotPanel>& panels) {
  std::vector<std::string> shown;
  for (const PlotRun& run : runs) {
    for (const PlotPanel& panel : panels) {
      if (std::any_of(panel.series.begin(), panel.series.end(),
                      [&](const PlotSeries& s) { return s.run == run.name; })) {
        shown.push_back(run.name);
        break;
      }
    }
  }
  return shown;
}

}  // namespace

std::vector<std::string> chart_tags(const std::vector<PlotRun>& runs) {
  std::set<std::string> tags;
  for (const PlotRun& run : runs) {
    for (const TaggedPoint& s : run.scalars) tags.insert(s.tag);
  }
  return {tags.begin(), tags.end()};
}

Result<Chart> build_chart(const std::vector<PlotRun>& runs, const std::vector<std::string>& tags) {
  CAIRN_RETURN_IF_ERROR(check_runs(runs));
  CAIRN_RETURN_IF_ERROR(check_tags(runs, tags));
  Chart chart;
  for (const std::string& tag : tags.empty() ? chart_tags(runs) : tags) {
    chart.panels.push_back(panel_of(runs, tag));
  }
  chart.runs = runs_shown(runs, chart.panels);
  return chart;
}

}  // namespace cairn
