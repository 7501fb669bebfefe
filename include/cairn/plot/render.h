// A chart as the bytes of a PNG, SVG or PDF file, drawn with Cairo: one
// drawing path (plot/layout.h places, one routine draws) on the image, SVG
// or PDF surface the format asks for. Nothing is written to disk: the
// caller stores the bytes (the CLI through its FileSystem).
//
//   CAIRN_ASSIGN_OR_RETURN(cairn::PlotFormat format, cairn::plot_format_for_path("curves.svg"));
//   CAIRN_ASSIGN_OR_RETURN(std::string bytes,
//                          cairn::render_chart(chart, format, {.smoothing = 0.6}));
//   CAIRN_RETURN_IF_ERROR(fs.write_file_atomically("curves.svg", bytes));
//
// Each panel shows its series smoothed as TensorBoard smooths them
// (plot/smoothing.h), the raw curve faint behind; a non-finite value breaks
// the curve. The legend names each run in its colour.
#pragma once

#include <string>

#include "cairn/core/status.h"
#include "cairn/plot/chart.h"
#include "cairn/plot/layout.h"

namespace cairn {

enum class PlotFormat { kPng, kSvg, kPdf };

// The format a file name's extension asks for: .png, .svg or .pdf (any
// case). INVALID_ARGUMENT naming the path and the extensions allowed otherwise.
Result<PlotFormat> plot_format_for_path(const std::string& path);

// The file's bytes. INVALID_ARGUMENT for a chart with no panel, a panel with
// no series, a series with no point or of a run missing from chart.runs
// (naming the panel and run), or options
// out of range (check_plot_options); INTERNAL if Cairo fails.
Result<std::string> render_chart(const Chart& chart, PlotFormat format,
                                 const PlotOptions& options = {});

}  // namespace cairn
