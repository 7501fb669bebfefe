#include "plot/draw.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "cairn/plot/smoothing.h"
#include "plot/text.h"

namespace cairn::internal {
namespace {

constexpr Rgb kText{40, 40, 40};
constexpr Rgb kAxis{110, 110, 110};
constexpr Rgb kGrid{228, 228, 228};
constexpr double kRawAlpha = 0.35;    // the raw curve, faint behind the smoothed one
constexpr double kLineWidth = 2.0;    // the smoothed (or only) curve
constexpr double kPointRadius = 3.0;  // a curve of one point is a dot

void set_colour(cairo_t* cr, Rgb c, double alpha = 1) {
  cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

// `text` with its baseline at y, starting at x plus `align` (0 left, 0.5
// centred, 1 right) times its width to the left.
void show_text(cairo_t* cr, const std::string& text, Font font, double x, double y, double align) {
  use_font(cr, font);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  cairo_move_to(cr, x - align * extents.x_advance, y);
  cairo_show_text(cr, text.c_str());
}

void draw_legend(cairo_t* cr, const std::vector<LegendEntry>& legend) {
  for (const LegendEntry& e : legend) {
    set_colour(cr, e.colour);
    cairo_rectangle(cr, e.swatch.x, e.swatch.y, e.swatch.width, e.swatch.height);
    cairo_fill(cr);
    set_colour(cr, kText);
    show_text(cr, e.run, kLegendFont, e.text_x, e.text_y, 0);
  }
}

// Grid lines at every tick, on half pixels so a 1-pixel line stays sharp.
void draw_grid(cairo_t* cr, const PanelLayout& p) {
  set_colour(cr, kGrid);
  cairo_set_line_width(cr, 1);
  for (double v : p.x.values) {
    const double x = std::floor(p.x_pixel(v)) + 0.5;
    cairo_move_to(cr, x, p.data.y), cairo_line_to(cr, x, p.data.bottom());
  }
  for (double v : p.y.values) {
    const double y = std::floor(p.y_pixel(v)) + 0.5;
    cairo_move_to(cr, p.data.x, y), cairo_line_to(cr, p.data.right(), y);
  }
  cairo_stroke(cr);
}

void draw_axis_lines(cairo_t* cr, const PanelLayout& p) {
  set_colour(cr, kAxis);
  cairo_set_line_width(cr, 1);
  const double left = std::floor(p.data.x) + 0.5, bottom = std::floor(p.data.bottom()) + 0.5;
  cairo_move_to(cr, left, p.data.y), cairo_line_to(cr, left, bottom);
  cairo_line_to(cr, p.data.right(), bottom);
  cairo_stroke(cr);
}

void draw_labels(cairo_t* cr, const PanelLayout& p, const std::string& title) {
  set_colour(cr, kText);
  for (double v : p.y.values) {
    show_text(cr, tick_label(v, p.y.step), kLabelFont, p.data.x - 6, p.y_pixel(v) + 4, 1);
  }
  for (double v : p.x.values) {
    show_text(cr, tick_label(v, p.x.step), kLabelFont, p.x_pixel(v), p.data.bottom() + 16, 0.5);
  }
  show_text(cr, "step", kLabelFont, p.data.x + p.data.width / 2, p.data.bottom() + 34, 0.5);
  show_text(cr, title, kTitleFont, p.data.x + p.data.width / 2, p.title_y, 0.5);
}

// The curve through (steps, values), broken where a value is not finite.
void trace_curve(cairo_t* cr, const PanelLayout& p, const std::vector<PlotPoint>& points,
                 const std::vector<double>& values) {
  bool drawing = false;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(values[i])) {
      drawing = false;
      continue;
    }
    const double x = p.x_pixel(static_cast<double>(points[i].step)), y = p.y_pixel(values[i]);
    if (drawing) {
      cairo_line_to(cr, x, y);
    } else {
      cairo_move_to(cr, x, y);
    }
    drawing = true;
  }
}

void draw_series(cairo_t* cr, const PanelLayout& p, const PlotSeries& s, Rgb colour,
                 double smoothing) {
  std::vector<double> raw;
  for (const PlotPoint& point : s.points) raw.push_back(point.value);
  if (s.points.size() == 1 && std::isfinite(raw[0])) {
    set_colour(cr, colour);
    cairo_arc(cr, p.x_pixel(static_cast<double>(s.points[0].step)), p.y_pixel(raw[0]), kPointRadius,
              0, 2 * std::numbers::pi);
    cairo_fill(cr);
    return;
  }
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  if (smoothing > 0) {
    set_colour(cr, colour, kRawAlpha);
    cairo_set_line_width(cr, kLineWidth / 2);
    trace_curve(cr, p, s.points, raw);
    cairo_stroke(cr);
  }
  set_colour(cr, colour);
  cairo_set_line_width(cr, kLineWidth);
  trace_curve(cr, p, s.points, smooth_like_tensorboard(raw, smoothing));
  cairo_stroke(cr);
}

size_t run_index(const Chart& chart, const std::string& run) {
  return std::find(chart.runs.begin(), chart.runs.end(), run) - chart.runs.begin();
}

void draw_panel(cairo_t* cr, const Chart& chart, const PlotPanel& panel, const PanelLayout& p,
                double smoothing) {
  draw_grid(cr, p);
  draw_axis_lines(cr, p);
  cairo_save(cr);
  // Curves may reach a little past the axes: a dot on the last step stays round.
  cairo_rectangle(cr, p.data.x - kPointRadius, p.data.y - kPointRadius,
                  p.data.width + 2 * kPointRadius, p.data.height + 2 * kPointRadius);
  cairo_clip(cr);
  for (const PlotSeries& s : panel.series) {
    draw_series(cr, p, s, run_colour(run_index(chart, s.run)), smoothing);
  }
  cairo_restore(cr);
  draw_labels(cr, p, panel.title);
}

}  // namespace

void draw_chart(cairo_t* cr, const Chart& chart, const ChartLayout& layout,
                const PlotOptions& options) {
  set_colour(cr, kBackground);
  cairo_paint(cr);
  draw_legend(cr, layout.legend);
  for (size_t i = 0; i < chart.panels.size(); ++i) {
    draw_panel(cr, chart, chart.panels[i], layout.panels[i], options.smoothing);
  }
}

}  // namespace cairn::internal
