#include "plot/text.h"

#include <memory>

namespace cairn::internal {

void use_font(cairo_t* cr, Font font) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, font.size);
}

double text_width(const std::string& text, Font font) {
  // A 1x1 surface is enough to ask the font for its metrics.
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1), cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), cairo_destroy);
  use_font(cr.get(), font);
  cairo_text_extents_t extents;
  cairo_text_extents(cr.get(), text.c_str(), &extents);
  return extents.x_advance;
}

}  // namespace cairn::internal

#if defined(__SANITIZE_ADDRESS__)
// Fontconfig (Debian 12's 2.14) keeps about 1 KB of its first font match
// where LeakSanitizer cannot reach it: once per process, not per chart. Its
// report would fail every sanitized run that draws text; nothing of ours is
// hidden by this, only allocations made inside libfontconfig.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
