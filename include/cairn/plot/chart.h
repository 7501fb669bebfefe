// What `cairn plot` draws, as data: a chart of panels, one per scalar tag,
// each holding one series per run, each series a list of (step, value)
// points. Built from runs' scalars by tag; drawn by plot/render.h.
//
//   std::vector<cairn::PlotRun> runs = {
//       {.name = "train", .scalars = {{"loss", 1, 0.9}, {"loss", 2, 0.5}}},
//       {.name = "eval", .scalars = {{"loss", 2, 0.6}, {"accuracy", 2, 0.8}}}};
//   CAIRN_ASSIGN_OR_RETURN(cairn::Chart chart, cairn::build_chart(runs, {"loss"}));
//   // chart.panels: {"loss": series "train" (2 points), series "eval" (1 point)}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/status.h"

namespace cairn {

struct PlotPoint {
  int64_t step = 0;
  double value = 0;
};

// One run's curve in one panel.
struct PlotSeries {
  std::string run;  // the legend's name for it
  std::vector<PlotPoint> points;
};

// One tag: its title and every run that has points for it.
struct PlotPanel {
  std::string title;
  std::vector<PlotSeries> series;
};

struct Chart {
  std::vector<PlotPanel> panels;
  // Every run named by a series, in the order they were given: a run's
  // colour is its position here, the same in every panel and the legend.
  std::vector<std::string> runs;
};

// One scalar of a run.
struct TaggedPoint {
  std::string tag;
  int64_t step = 0;
  double value = 0;
};

// A run's scalars, in the order they were written.
struct PlotRun {
  std::string name;
  std::vector<TaggedPoint> scalars;
};

// The chart of `runs` with one panel per tag in `tags` (in that order), or
// per tag any run has (sorted by name) when `tags` is empty. A series holds
// a run's points of that tag sorted by step; a run without any is left out
// of that panel, and out of chart.runs when it has none in any panel.
// INVALID_ARGUMENT when there are no runs, when a run has no scalars at all
// (naming it), or when a tag of `tags` is in no run (naming the tags there are).
Result<Chart> build_chart(const std::vector<PlotRun>& runs, const std::vector<std::string>& tags);

// Every tag of `runs`, sorted, once each.
std::vector<std::string> chart_tags(const std::vector<PlotRun>& runs);

}  // namespace cairn
