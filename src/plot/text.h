// The fonts of a chart and the width of a text in them, shared by the
// layout (which leaves room for labels) and the drawing. Internal to plot.
#pragma once

#include <cairo.h>

#include <string>

namespace cairn::internal {

struct Font {
  double size = 11;  // pixels
  bool bold = false;
};

inline constexpr Font kTitleFont{.size = 13, .bold = true};
inline constexpr Font kLabelFont{.size = 11};
inline constexpr Font kLegendFont{.size = 12};

// Selects `font` (the generic sans-serif face, as fontconfig resolves it) on `cr`.
void use_font(cairo_t* cr, Font font);

// How far `text` advances in `font`, in pixels.
double text_width(const std::string& text, Font font);

}  // namespace cairn::internal
