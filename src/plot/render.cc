#include "cairn/plot/render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <memory>
#include <new>

#include "cairn/core/strings.h"
#include "plot/draw.h"

namespace cairn {
namespace {

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

// Cairo's stream callback: appends to the std::string behind `closure`.
cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  } catch (const std::bad_alloc&) {  // exceptions must not cross Cairo's C frames
    return CAIRO_STATUS_NO_MEMORY;
  }
}

Status cairo_error(const char* what, cairo_status_t status) {
  if (status == CAIRO_STATUS_SUCCESS) return ok_status();
  if (status == CAIRO_STATUS_NO_MEMORY) {
    return resource_exhausted_error(std::string(what) + ": out of memory");
  }
  return internal_error(std::string(what) + ": " + cairo_status_to_string(status));
}

Status check_chart(const Chart& chart) {
  if (chart.panels.empty()) return invalid_argument_error("nothing to plot: expected a panel");
  for (const PlotPanel& panel : chart.panels) {
    if (panel.series.empty()) {
      return invalid_argument_error("panel '" + panel.title + "' has no run: expected a series");
    }
    for (const PlotSeries& s : panel.series) {
      if (std::find(chart.runs.begin(), chart.runs.end(), s.run) == chart.runs.end()) {
        return invalid_argument_error("run '" + s.run + "' in panel '" + panel.title +
                                      "' is not in the chart's runs: expected one of " +
                                      join(chart.runs, ", ") + " (the legend)");
      }
      if (s.points.empty()) {
        return invalid_argument_error("run '" + s.run + "' in panel '" + panel.title +
                                      "' has no points: expected at least one");
      }
    }
  }
  return ok_status();
}

// The surface of `format`: vector ones write to `out` as Cairo draws (and
// on finish); the image one is encoded once drawn.
SurfacePtr make_surface(PlotFormat format, int width, int height, std::string& out) {
  switch (format) {
    case PlotFormat::kSvg:
      return {cairo_svg_surface_create_for_stream(append_bytes, &out, width, height),
              cairo_surface_destroy};
    case PlotFormat::kPdf:
      return {cairo_pdf_surface_create_for_stream(append_bytes, &out, width, height),
              cairo_surface_destroy};
    case PlotFormat::kPng:
      break;
  }
  return {cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), cairo_surface_destroy};
}

Status draw_on(cairo_surface_t* surface, const Chart& chart, const ChartLayout& layout,
               const PlotOptions& options) {
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface), cairo_destroy);
  internal::draw_chart(cr.get(), chart, layout, options);
  return cairo_error("drawing the chart", cairo_status(cr.get()));
}

}  // namespace

Result<PlotFormat> plot_format_for_path(const std::string& path) {
  const size_t dot = path.find_last_of("./");
  const std::string extension =
      dot == std::string::npos || path[dot] == '/' ? "" : lower(path.substr(dot));
  if (extension == ".png") return PlotFormat::kPng;
  if (extension == ".svg") return PlotFormat::kSvg;
  if (extension == ".pdf") return PlotFormat::kPdf;
  const std::string found = extension.empty() ? "no extension" : "'" + extension + "'";
  return invalid_argument_error(path + ": " + found +
                                ": expected a name ending in .png, .svg or .pdf");
}

Result<std::string> render_chart(const Chart& chart, PlotFormat format,
                                 const PlotOptions& options) {
  CAIRN_RETURN_IF_ERROR(check_plot_options(options));
  CAIRN_RETURN_IF_ERROR(check_chart(chart));
  const ChartLayout layout = layout_chart(chart, options);
  std::string bytes;
  SurfacePtr surface = make_surface(format, layout.width, layout.height, bytes);
  CAIRN_RETURN_IF_ERROR(cairo_error("creating the surface", cairo_surface_status(surface.get())));
  CAIRN_RETURN_IF_ERROR(draw_on(surface.get(), chart, layout, options));
  if (format == PlotFormat::kPng) {
    CAIRN_RETURN_IF_ERROR(
        cairo_error("encoding the PNG",
                    cairo_surface_write_to_png_stream(surface.get(), append_bytes, &bytes)));
  }
  cairo_surface_finish(surface.get());
  CAIRN_RETURN_IF_ERROR(cairo_error("finishing the file", cairo_surface_status(surface.get())));
  return bytes;
}

}  // namespace cairn
