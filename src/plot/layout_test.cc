#include "cairn/plot/layout.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cairn {
namespace {

Chart chart_of(int panels, std::vector<std::string> runs) {
  Chart chart{.runs = runs};
  for (int i = 0; i < panels; ++i) {
    PlotPanel panel{.title = "tag" + std::to_string(i)};
    for (const std::string& run : runs) {
      panel.series.push_back({.run = run, .points = {{10, 0.25}, {90, 0.75 + i}}});
    }
    chart.panels.push_back(panel);
  }
  return chart;
}

TEST(LayoutChart, TheAxesEndsMapToTheDataAreasEdges) {
  const PanelLayout p = layout_chart(chart_of(1, {"a"}), {}).panels[0];
  EXPECT_DOUBLE_EQ(p.x_pixel(p.x.lo), p.data.x);
  EXPECT_DOUBLE_EQ(p.x_pixel(p.x.hi), p.data.right());
  EXPECT_DOUBLE_EQ(p.y_pixel(p.y.lo), p.data.bottom());  // y grows downwards
  EXPECT_DOUBLE_EQ(p.y_pixel(p.y.hi), p.data.y);
  EXPECT_LE(p.x.lo, 10);
  EXPECT_GE(p.x.hi, 90);
  EXPECT_LE(p.y.lo, 0.25);
  EXPECT_GE(p.y.hi, 0.75);
  EXPECT_GT(p.data.x, p.cell.x + 20);                // room for the value labels
  EXPECT_LT(p.data.bottom(), p.cell.bottom() - 30);  // and for the steps and "step"
  EXPECT_LT(p.title_y, p.data.y);
}

TEST(LayoutChart, PanelsFormAGridOfUpToThreeColumnsBelowTheLegend) {
  const ChartLayout layout = layout_chart(chart_of(5, {"train", "eval"}), {.panel_width = 300});
  EXPECT_EQ(layout.width, 900);
  ASSERT_EQ(layout.panels.size(), 5u);
  EXPECT_EQ(layout.panels[3].cell.x, 0);  // second row
  EXPECT_EQ(layout.panels[3].cell.y, layout.panels[0].cell.bottom());
  EXPECT_EQ(layout.panels[4].cell.x, 300);
  EXPECT_EQ(layout.height, static_cast<int>(std::ceil(layout.panels[4].cell.bottom())));
  ASSERT_EQ(layout.legend.size(), 2u);
  EXPECT_LT(layout.legend[0].swatch.bottom(), layout.panels[0].cell.y);
  EXPECT_GT(layout.legend[1].swatch.x, layout.legend[0].text_x);  // side by side
  EXPECT_EQ(layout_chart(chart_of(5, {"a"}), {.columns = 1}).width, 440);
}

TEST(LayoutChart, ManyRunsWrapTheLegendOntoMoreRows) {
  std::vector<std::string> runs;
  for (int i = 0; i < 12; ++i) runs.push_back("a/long/run/name/number/" + std::to_string(i));
  const ChartLayout layout = layout_chart(chart_of(1, runs), {});
  EXPECT_GT(layout.legend.back().swatch.y, layout.legend.front().swatch.y);
  for (const LegendEntry& e : layout.legend) EXPECT_LT(e.swatch.right(), layout.width);
  EXPECT_GT(layout.panels[0].cell.y, layout.legend.back().swatch.bottom());
  EXPECT_EQ(layout.legend[10].colour, run_colour(0));  // ten colours, then again
}

TEST(CheckPlotOptions, NamesTheOptionAndItsRange) {
  EXPECT_TRUE(check_plot_options({}).ok());
  EXPECT_EQ(check_plot_options({.smoothing = -0.1}).code(), StatusCode::kInvalidArgument);
  EXPECT_NE(check_plot_options({.panel_height = 5}).message().find("120..4000"), std::string::npos);
  EXPECT_NE(check_plot_options({.columns = -1}).message().find("columns"), std::string::npos);
}

}  // namespace
}  // namespace cairn
