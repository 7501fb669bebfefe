// Test-only: a PNG decoded with Cairo into pixels a test can sample, and
// checks of what a chart drew where (used by plot's and the CLI's tests).
//
//   std::optional<DecodedPng> png = decode_png(bytes);
//   Rgb c = png->at(10, 20);                       // pixel column 10, row 20
//   bool drawn = png->near(x, y, run_colour(0));   // within a pixel of (x, y)
//   double d = distance_to_series(series, layout.panels[0], x, y);  // pixels
#pragma once

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cairn/plot/layout.h"

namespace cairn::testing {

// The largest difference of one channel between a and b.
inline int colour_distance(Rgb a, Rgb b) {
  return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

struct DecodedPng {
  int width = 0, height = 0;
  std::vector<Rgb> pixels;  // row by row

  Rgb at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }

  // The smallest colour_distance to `colour` of the pixels within `radius`
  // of the one holding the point (x, y).
  int distance_near(double x, double y, Rgb colour, int radius = 1) const {
    int best = 255;
    const int cx = static_cast<int>(std::floor(x)), cy = static_cast<int>(std::floor(y));
    for (int j = std::max(0, cy - radius); j <= std::min(height - 1, cy + radius); ++j) {
      for (int i = std::max(0, cx - radius); i <= std::min(width - 1, cx + radius); ++i) {
        best = std::min(best, colour_distance(at(i, j), colour));
      }
    }
    return best;
  }
  bool near(double x, double y, Rgb colour, int tolerance = 24) const {
    return distance_near(x, y, colour) <= tolerance;
  }
};

// How far (x, y) is, in pixels, from the polyline of `series` as `panel` maps it.
inline double distance_to_series(const PlotSeries& series, const PanelLayout& panel, double x,
                                 double y) {
  double nearest = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < series.points.size(); ++i) {
    const PlotPoint& a = series.points[i];
    const PlotPoint& b = series.points[std::min(i + 1, series.points.size() - 1)];
    const double ax = panel.x_pixel(a.step), ay = panel.y_pixel(a.value);
    const double dx = panel.x_pixel(b.step) - ax, dy = panel.y_pixel(b.value) - ay;
    const double length2 = dx * dx + dy * dy;
    const double t =
        length2 == 0 ? 0 : std::clamp(((x - ax) * dx + (y - ay) * dy) / length2, 0.0, 1.0);
    nearest = std::min(nearest, std::hypot(x - (ax + t * dx), y - (ay + t * dy)));
  }
  return nearest;
}

// The pixels of the PNG `bytes` (opaque), or nullopt if Cairo cannot read it.
inline std::optional<DecodedPng> decode_png(const std::string& bytes) {
  struct Reader {
    const std::string* bytes;
    size_t offset = 0;
  } reader{&bytes};
  auto read = [](void* closure, unsigned char* data, unsigned int length) {
    auto* r = static_cast<Reader*>(closure);
    if (r->bytes->size() - r->offset < length) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, r->bytes->data() + r->offset, length);
    r->offset += length;
    return CAIRO_STATUS_SUCCESS;
  };
  cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(read, &reader);
  std::optional<DecodedPng> png;
  if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(surface);
    png = DecodedPng{.width = cairo_image_surface_get_width(surface),
                     .height = cairo_image_surface_get_height(surface)};
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < png->height; ++y) {
      for (int x = 0; x < png->width; ++x) {
        uint32_t p;  // 0xAARRGGBB in native order, for ARGB32 and RGB24 alike
        std::memcpy(&p, data + static_cast<size_t>(y) * stride + 4 * x, 4);
        png->pixels.push_back(
            {static_cast<uint8_t>(p >> 16), static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p)});
      }
    }
  }
  cairo_surface_destroy(surface);
  return png;
}

}  // namespace cairn::testing
