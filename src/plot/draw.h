// Draws a chart on any Cairo context: the one drawing path behind PNG, SVG
// and PDF (plot/render.cc picks the surface). Internal to plot.
#pragma once

#include <cairo.h>

#include "cairn/plot/chart.h"
#include "cairn/plot/layout.h"

namespace cairn::internal {

// Paints the background, the legend and every panel of `chart` as `layout`
// places them, with `options.smoothing` applied to each series.
void draw_chart(cairo_t* cr, const Chart& chart, const ChartLayout& layout,
                const PlotOptions& options);

}  // namespace cairn::internal
