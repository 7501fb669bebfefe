#include "cairn/plot/layout.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "plot/text.h"

namespace cairn {
namespace {

using internal::kLabelFont;
using internal::kLegendFont;
using internal::text_width;

constexpr double kMargin = 12;          // around the picture
constexpr double kLegendRow = 22;       // height of one row of legend entries
constexpr double kSwatch = 12;          // side of a legend's colour square
constexpr double kTitleHeight = 30;     // above a panel's data area
constexpr double kXAxisHeight = 42;     // below it: tick labels and "step"
constexpr double kRightPad = 18;        // right of it
constexpr double kPixelsPerXTick = 90;  // about one step label per this much width

struct Range {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isfinite(v)) min = std::min(min, v), max = std::max(max, v);
  }
  bool empty() const { return min > max; }
};

AxisTicks ticks_over(const Range& range, int count) {
  return range.empty() ? nice_ticks(0, 1, count) : nice_ticks(range.min, range.max, count);
}

double widest_label(const AxisTicks& ticks) {
  double widest = 0;
  for (double v : ticks.values) {
    widest = std::max(widest, text_width(tick_label(v, ticks.step), kLabelFont));
  }
  return widest;
}

PanelLayout layout_panel(const PlotPanel& panel, const Rect& cell) {
  Range steps, values;
  for (const PlotSeries& s : panel.series) {
    for (const PlotPoint& p : s.points) steps.add(static_cast<double>(p.step)), values.add(p.value);
  }
  PanelLayout layout{.cell = cell};
  layout.y = ticks_over(values, 5);
  const double left = std::max(36.0, widest_label(layout.y) + 14);
  layout.data = {.x = cell.x + left,
                 .y = cell.y + kTitleHeight,
                 .width = cell.width - left - kRightPad,
                 .height = cell.height - kTitleHeight - kXAxisHeight};
  const int x_count = std::max(2, static_cast<int>(layout.data.width / kPixelsPerXTick));
  layout.x = ticks_over(steps, x_count);
  layout.title_y = cell.y + kTitleHeight - 11;
  return layout;
}

// Entries flow left to right, wrapping at `width`; returns the rows' height.
double layout_legend(const std::vector<std::string>& runs, double width,
                     std::vector<LegendEntry>& legend) {
  double x = kMargin, y = kMargin;
  for (size_t i = 0; i < runs.size(); ++i) {
    const double entry = kSwatch + 6 + text_width(runs[i], kLegendFont) + 20;
    if (x > kMargin && x + entry > width - kMargin) x = kMargin, y += kLegendRow;
    legend.push_back({.run = runs[i],
                      .colour = run_colour(i),
                      .swatch = {.x = x, .y = y + 3, .width = kSwatch, .height = kSwatch},
                      .text_x = x + kSwatch + 6,
                      .text_y = y + 3 + kSwatch - 1});
    x += entry;
  }
  return runs.empty() ? 0 : y - kMargin + kLegendRow;
}

}  // namespace

Rgb run_colour(size_t index) {
  // Ten colours told apart on white, in the order they are handed out.
  static constexpr std::array<Rgb, 10> kPalette = {{{31, 119, 180},
                                                    {255, 127, 14},
                                                    {44, 160, 44},
                                                    {214, 39, 40},
                                                    {148, 103, 189},
                                                    {140, 86, 75},
                                                    {227, 119, 194},
                                                    {127, 127, 127},
                                                    {188, 189, 34},
                                                    {23, 190, 207}}};
  return kPalette[index % kPalette.size()];
}

ChartLayout layout_chart(const Chart& chart, const PlotOptions& options) {
  const int count = static_cast<int>(chart.panels.size());
  const int columns = std::max(1, options.columns > 0 ? options.columns : std::min(count, 3));
  const int rows = (count + columns - 1) / columns;
  ChartLayout layout;
  layout.width = columns * options.panel_width;
  const double top = kMargin + layout_legend(chart.runs, layout.width, layout.legend);
  for (int i = 0; i < count; ++i) {
    const Rect cell{.x = static_cast<double>((i % columns) * options.panel_width),
                    .y = top + (i / columns) * options.panel_height,
                    .width = static_cast<double>(options.panel_width),
                    .height = static_cast<double>(options.panel_height)};
    layout.panels.push_back(layout_panel(chart.panels[i], cell));
  }
  layout.height = static_cast<int>(std::ceil(top + rows * options.panel_height));
  return layout;
}

Status check_plot_options(const PlotOptions& options) {
  if (!(options.smoothing >= 0 && options.smoothing < 1)) {
    return invalid_argument_error("smoothing " + std::to_string(options.smoothing) +
                                  ": expected a weight in [0, 1)");
  }
  if (options.panel_width < 160 || options.panel_width > 4000 || options.panel_height < 120 ||
      options.panel_height > 4000) {
    return invalid_argument_error("panel size " + std::to_string(options.panel_width) + "x" +
                                  std::to_string(options.panel_height) +
                                  ": expected 160..4000 x 120..4000 pixels");
  }
  if (options.columns < 0 || options.columns > 64) {
    return invalid_argument_error("columns " + std::to_string(options.columns) +
                                  ": expected 0 (automatic) to 64");
  }
  return ok_status();
}

}  // namespace cairn
