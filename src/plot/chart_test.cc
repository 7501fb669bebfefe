#include "cairn/plot/chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cairn {
namespace {

using ::testing::HasSubstr;

std::vector<PlotRun> two_runs() {
  return {{.name = "train",
           .scalars = {{"loss", 20, 0.5}, {"loss", 10, 0.9}, {"global_step/sec", 10, 40}}},
          {.name = "eval", .scalars = {{"loss", 20, 0.6}, {"accuracy", 20, 0.8}}}};
}

TEST(BuildChart, OnePanelPerTagSortedOneSeriesPerRunSortedByStep) {
  const Result<Chart> chart = build_chart(two_runs(), {});
  ASSERT_TRUE(chart.ok()) << chart.status().to_string();
  ASSERT_EQ(chart->panels.size(), 3u);
  EXPECT_EQ(chart->panels[0].title, "accuracy");
  EXPECT_EQ(chart->panels[1].title, "global_step/sec");
  const PlotPanel& loss = chart->panels[2];
  EXPECT_EQ(loss.title, "loss");
  ASSERT_EQ(loss.series.size(), 2u);
  EXPECT_EQ(loss.series[0].run, "train");
  ASSERT_EQ(loss.series[0].points.size(), 2u);
  EXPECT_EQ(loss.series[0].points[0].step, 10);
  EXPECT_EQ(loss.series[0].points[0].value, 0.9);
  EXPECT_EQ(loss.series[1].run, "eval");
  EXPECT_EQ(chart->runs, (std::vector<std::string>{"train", "eval"}));
}

TEST(BuildChart, TagsAreTakenInTheOrderGivenAndRunsWithoutThemLeftOut) {
  const Result<Chart> chart = build_chart(two_runs(), {"accuracy"});
  ASSERT_TRUE(chart.ok());
  ASSERT_EQ(chart->panels.size(), 1u);
  ASSERT_EQ(chart->panels[0].series.size(), 1u);
  EXPECT_EQ(chart->panels[0].series[0].run, "eval");
  EXPECT_EQ(chart->runs, (std::vector<std::string>{"eval"}));
  const Result<Chart> both = build_chart(two_runs(), {"loss", "accuracy"});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->panels[0].title, "loss");
  EXPECT_EQ(both->panels[1].title, "accuracy");
}

TEST(BuildChart, ATagNoRunHasIsRefusedNamingTheTagsThereAre) {
  const Result<Chart> chart = build_chart(two_runs(), {"loss", "precision"});
  ASSERT_FALSE(chart.ok());
  EXPECT_EQ(chart.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(chart.status().message(), HasSubstr("precision"));
  EXPECT_THAT(chart.status().message(),
              HasSubstr("expected one of: accuracy, global_step/sec, loss"));
}

TEST(BuildChart, NoRunOrARunWithoutScalarsIsRefusedNamingIt) {
  const Result<Chart> none = build_chart({}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("expected at least one run"));
  std::vector<PlotRun> runs = two_runs();
  runs.push_back({.name = "validation"});
  const Result<Chart> empty = build_chart(runs, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.status().message(), HasSubstr("run 'validation' has no scalars"));
}

}  // namespace
}  // namespace cairn
