#include "cairn/plot/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "plot/png_test_util.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::decode_png;
using testing::DecodedPng;
using ::testing::HasSubstr;

// train: loss falling 1 -> 0.2; eval: loss above it (1.28 -> 1.2) and accuracy.
Chart two_run_chart() {
  PlotSeries train{.run = "train"}, eval_loss{.run = "eval"}, eval_accuracy{.run = "eval"};
  for (int step = 0; step <= 100; step += 10) train.points.push_back({step, 1 - 0.008 * step});
  for (int step = 20; step <= 100; step += 20) {
    eval_loss.points.push_back({step, 1.3 - 0.001 * step});
    eval_accuracy.points.push_back({step, 0.5 + 0.004 * step});
  }
  return {.panels = {{.title = "loss", .series = {train, eval_loss}},
                     {.title = "accuracy", .series = {eval_accuracy}}},
          .runs = {"train", "eval"}};
}

DecodedPng render_png(const Chart& chart, const PlotOptions& options) {
  const Result<std::string> bytes = render_chart(chart, PlotFormat::kPng, options);
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  std::optional<DecodedPng> png = decode_png(bytes.ok() ? *bytes : "");
  EXPECT_TRUE(png.has_value());
  return png.value_or(DecodedPng{});
}

double to_curves(const PlotPanel& panel, const PanelLayout& p, double x, double y) {
  double nearest = std::numeric_limits<double>::infinity();
  for (const PlotSeries& s : panel.series) {
    nearest = std::min(nearest, testing::distance_to_series(s, p, x, y));
  }
  return nearest;
}

bool near_grid(const AxisTicks& ticks, double pixel, auto to_pixel) {
  for (double v : ticks.values) {
    if (std::abs(to_pixel(v) - pixel) < 2.5) return true;
  }
  return false;
}

TEST(RenderChart, EachRunIsDrawnInItsColourWhereItsDataMaps) {
  const Chart chart = two_run_chart();
  const PlotOptions options{.smoothing = 0};
  const ChartLayout layout = layout_chart(chart, options);
  const DecodedPng png = render_png(chart, options);
  ASSERT_EQ(png.width, layout.width);
  ASSERT_EQ(png.height, layout.height);
  EXPECT_EQ(layout.width, 2 * options.panel_width);  // two panels side by side
  for (size_t i = 0; i < chart.panels.size(); ++i) {
    const PanelLayout& p = layout.panels[i];
    for (const PlotSeries& s : chart.panels[i].series) {
      const Rgb colour = run_colour(s.run == "train" ? 0 : 1);
      for (size_t k = 0; k < s.points.size(); ++k) {
        const PlotPoint& a = s.points[k];
        EXPECT_TRUE(png.near(p.x_pixel(a.step), p.y_pixel(a.value), colour))
            << chart.panels[i].title << " " << s.run << " step " << a.step;
        if (k + 1 == s.points.size()) continue;
        const PlotPoint& b = s.points[k + 1];  // the line between two points
        EXPECT_TRUE(png.near(p.x_pixel((a.step + b.step) / 2.0), p.y_pixel((a.value + b.value) / 2),
                             colour))
            << chart.panels[i].title << " " << s.run << " after step " << a.step;
      }
    }
  }
  EXPECT_NE(run_colour(0), run_colour(1));
}

TEST(RenderChart, PixelsAwayFromTheCurvesAndGridAreBackground) {
  const Chart chart = two_run_chart();
  const ChartLayout layout = layout_chart(chart, {.smoothing = 0});
  const DecodedPng png = render_png(chart, {.smoothing = 0});
  int checked = 0;
  for (size_t i = 0; i < chart.panels.size(); ++i) {
    const PanelLayout& p = layout.panels[i];
    for (double y = p.data.y + 3; y < p.data.bottom() - 3; y += 5) {
      for (double x = p.data.x + 3; x < p.data.right() - 3; x += 5) {
        if (to_curves(chart.panels[i], p, x, y) < 5) continue;
        if (near_grid(p.x, x, [&](double v) { return p.x_pixel(v); })) continue;
        if (near_grid(p.y, y, [&](double v) { return p.y_pixel(v); })) continue;
        ASSERT_EQ(png.at(static_cast<int>(x), static_cast<int>(y)), kBackground)
            << "panel " << i << " at " << x << "," << y;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(RenderChart, TheLegendShowsEachRunsColourAndName) {
  const Chart chart = two_run_chart();
  const ChartLayout layout = layout_chart(chart, {});
  const DecodedPng png = render_png(chart, {});
  ASSERT_EQ(layout.legend.size(), 2u);
  for (size_t i = 0; i < layout.legend.size(); ++i) {
    const LegendEntry& e = layout.legend[i];
    EXPECT_EQ(e.run, chart.runs[i]);
    EXPECT_EQ(e.colour, run_colour(i));
    EXPECT_EQ(png.at(static_cast<int>(e.swatch.x + e.swatch.width / 2),
                     static_cast<int>(e.swatch.y + e.swatch.height / 2)),
              e.colour);
    int dark = 0;  // the name's glyphs, after the swatch
    for (int y = static_cast<int>(e.text_y) - 9; y <= static_cast<int>(e.text_y); ++y) {
      for (int x = static_cast<int>(e.text_x); x < static_cast<int>(e.text_x) + 25; ++x) {
        dark += testing::colour_distance(png.at(x, y), {40, 40, 40}) < 60;
      }
    }
    EXPECT_GT(dark, 5) << e.run;
  }
}

TEST(RenderChart, TheRawCurveIsFaintBehindTheSmoothedOne) {
  PlotSeries zigzag{.run = "train"};
  for (int step = 0; step < 40; ++step) zigzag.points.push_back({step, step % 2 ? 1.0 : 0.0});
  const Chart chart{.panels = {{.title = "loss", .series = {zigzag}}}, .runs = {"train"}};
  const PlotOptions options{.smoothing = 0.9};
  const PanelLayout p = layout_chart(chart, options).panels[0];
  const DecodedPng png = render_png(chart, options);
  const Rgb colour = run_colour(0);
  // A raw peak, far above the smoothed curve (near 0.5 by then): tinted, not full colour.
  const double x = p.x_pixel(31), y = p.y_pixel(1.0) + 1;
  EXPECT_GT(png.distance_near(x, y, colour), 60);
  EXPECT_GT(testing::colour_distance(png.at(static_cast<int>(x), static_cast<int>(y)), kBackground),
            8);
  // The smoothed curve (near 0.5 there) is drawn in full colour.
  bool full = false;
  for (double v = 0.3; v <= 0.7; v += 0.01) full = full || png.near(x, p.y_pixel(v), colour, 10);
  EXPECT_TRUE(full);
}

TEST(RenderChart, ANonFiniteValueBreaksTheCurveAndOnePointIsADot) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const PlotSeries broken{.run = "a", .points = {{0, 0}, {10, 1}, {20, nan}, {30, 1}, {40, 0}}};
  const PlotSeries dot{.run = "b", .points = {{20, 0.2}}};
  const Chart chart{.panels = {{.title = "loss", .series = {broken, dot}}}, .runs = {"a", "b"}};
  const PanelLayout p = layout_chart(chart, {.smoothing = 0}).panels[0];
  const DecodedPng png = render_png(chart, {.smoothing = 0});
  EXPECT_TRUE(png.near(p.x_pixel(10), p.y_pixel(1), run_colour(0)));
  EXPECT_TRUE(png.near(p.x_pixel(30), p.y_pixel(1), run_colour(0)));
  EXPECT_GT(png.distance_near(p.x_pixel(20), p.y_pixel(1), run_colour(0)), 100);  // no bridge
  EXPECT_TRUE(png.near(p.x_pixel(20), p.y_pixel(0.2), run_colour(1)));
}

TEST(RenderChart, ValuesAtTheEndsOfTheDoubleRangeAreDrawnNotOverflowed) {
  const double big = std::numeric_limits<double>::max();
  const PlotSeries s{.run = "a", .points = {{0, -big}, {1, big}, {2, 0}, {3, 1e-300}}};
  const Chart chart{.panels = {{.title = "loss", .series = {s}}}, .runs = {"a"}};
  const PanelLayout p = layout_chart(chart, {}).panels[0];
  for (const double v : p.y.values) EXPECT_TRUE(std::isfinite(v));
  EXPECT_TRUE(std::isfinite(p.y_pixel(big)));
  const DecodedPng png = render_png(chart, {.smoothing = 0});
  EXPECT_TRUE(png.near(p.x_pixel(2), p.y_pixel(0), run_colour(0)));
}

TEST(RenderChart, SvgIsXmlAndPdfIsAPdfFromTheSameDrawing) {
  const Result<std::string> svg = render_chart(two_run_chart(), PlotFormat::kSvg);
  ASSERT_TRUE(svg.ok()) << svg.status().to_string();
  EXPECT_TRUE(svg->starts_with("<?xml"));
  EXPECT_THAT(*svg, HasSubstr("<svg"));
  EXPECT_THAT(*svg, HasSubstr("</svg>"));
  const Result<std::string> pdf = render_chart(two_run_chart(), PlotFormat::kPdf);
  ASSERT_TRUE(pdf.ok()) << pdf.status().to_string();
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
  EXPECT_THAT(pdf->substr(pdf->size() - 8), HasSubstr("%%EOF"));
  if (!testing::python_has_modules("xml.etree.ElementTree")) GTEST_SKIP() << "no /usr/bin/python3";
  testing::TempDir dir;
  std::ofstream(dir.path() + "/curves.svg") << *svg;
  const testing::CommandResult parsed = testing::run_command(
      "/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; "
      "r = E.parse(sys.argv[1]).getroot(); print(r.tag, r.get(\"width\"))' " +
      testing::shell_quote(dir.path() + "/curves.svg"));
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  const ChartLayout layout = layout_chart(two_run_chart(), {});
  EXPECT_EQ(parsed.out, "{http://www.w3.org/2000/svg}svg " + std::to_string(layout.width) + "pt\n");
}

TEST(PlotFormatForPath, IsTheExtensionInAnyCaseOrAnErrorNamingTheChoices) {
  EXPECT_EQ(*plot_format_for_path("curves.png"), PlotFormat::kPng);
  EXPECT_EQ(*plot_format_for_path("out/Curves.SVG"), PlotFormat::kSvg);
  EXPECT_EQ(*plot_format_for_path("a.b/curves.pdf"), PlotFormat::kPdf);
  for (const std::string path : {"curves.jpg", "curves", "out.png/curves"}) {
    const Result<PlotFormat> format = plot_format_for_path(path);
    ASSERT_FALSE(format.ok()) << path;
    EXPECT_EQ(format.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(format.status().message(), HasSubstr(path + ": "));
    EXPECT_THAT(format.status().message(),
                HasSubstr("expected a name ending in .png, .svg or .pdf"));
  }
}

TEST(RenderChart, EmptyChartsAndOptionsOutOfRangeAreRefusedNamingWhatWasExpected) {
  EXPECT_THAT(render_chart({}, PlotFormat::kPng).status().message(), HasSubstr("expected a panel"));
  Chart chart = two_run_chart();
  chart.panels[1].series[0].points.clear();
  const Status empty = render_chart(chart, PlotFormat::kPng).status();
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.message(), HasSubstr("run 'eval' in panel 'accuracy' has no points"));
  chart = two_run_chart();
  chart.runs = {"train"};
  EXPECT_THAT(render_chart(chart, PlotFormat::kPng).status().message(),
              HasSubstr("run 'eval' in panel 'loss' is not in the chart's runs: expected one of "
                        "train (the legend)"));
  const Status smoothing =
      render_chart(two_run_chart(), PlotFormat::kSvg, {.smoothing = 1}).status();
  EXPECT_EQ(smoothing.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(smoothing.message(), HasSubstr("expected a weight in [0, 1)"));
  EXPECT_FALSE(render_chart(two_run_chart(), PlotFormat::kPng, {.panel_width = 10}).ok());
}

}  // namespace
}  // namespace cairn
