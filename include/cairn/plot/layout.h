// Where a chart's parts go in the picture, in pixels (points for SVG and
// PDF, 1 pixel = 1 point): the legend along the top, then the panels in a
// grid, each with its title, its axes' ticks and its data area. Exposed so
// callers (and tests) can map a data point to where it is drawn.
//
//   cairn::ChartLayout layout = cairn::layout_chart(chart, {.columns = 2});
//   const cairn::PanelLayout& p = layout.panels[0];
//   double x = p.x_pixel(200), y = p.y_pixel(0.35);  // where (step 200, 0.35) is drawn
//   cairn::Rgb c = cairn::run_colour(0);             // the first run's line colour
//
// Pixel (i, j) of the PNG covers [i, i+1) x [j, j+1): the point (x, y) is in
// pixel (floor(x), floor(y)). y grows downwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cairn/plot/chart.h"
#include "cairn/plot/ticks.h"

namespace cairn {

// How a chart is drawn. Defaults give TensorBoard's look at its default smoothing.
struct PlotOptions {
  double smoothing = 0.6;  // TensorBoard's weight, in [0, 1); 0 draws the raw curve only
  int panel_width = 440;   // pixels per panel, its margins included (160..4000)
  int panel_height = 300;  // likewise (120..4000)
  int columns = 0;         // panels side by side; 0: as many as there are, up to 3
};

// An 8-bit sRGB colour.
struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

struct Rect {
  double x = 0, y = 0, width = 0, height = 0;  // top-left corner and size
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

struct PanelLayout {
  Rect cell;           // the panel's share of the picture
  Rect data;           // the area inside the axes where curves are drawn
  AxisTicks x, y;      // steps across, values up; data spans [x.lo, x.hi] x [y.lo, y.hi]
  double title_y = 0;  // the title's baseline, centred over `data`

  // Halves first, so no finite value overflows on the way.
  double x_pixel(double step) const {
    return data.x + (step / 2 - x.lo / 2) / (x.hi / 2 - x.lo / 2) * data.width;
  }
  double y_pixel(double value) const {
    return data.bottom() - (value / 2 - y.lo / 2) / (y.hi / 2 - y.lo / 2) * data.height;
  }
};

struct LegendEntry {
  std::string run;
  Rgb colour;
  Rect swatch;                    // a square filled with `colour`
  double text_x = 0, text_y = 0;  // the name's baseline start
};

struct ChartLayout {
  int width = 0, height = 0;        // of the whole picture
  std::vector<LegendEntry> legend;  // one per chart.runs, in that order
  std::vector<PanelLayout> panels;  // one per chart.panels, in that order
};

// The colour of the run at `index` of Chart::runs (a palette of 10, repeating).
Rgb run_colour(size_t index);

// The picture's background.
inline constexpr Rgb kBackground{255, 255, 255};

// The layout of `chart` (whose options were checked by check_plot_options).
// Axis ranges cover every finite point of the panel's series.
ChartLayout layout_chart(const Chart& chart, const PlotOptions& options);

// INVALID_ARGUMENT naming the option and its allowed range, or OK.
Status check_plot_options(const PlotOptions& options);

}  // namespace cairn
