// `cairn plot` run as a user runs it: on a model directory cairn trained and
// evaluated, on TensorFlow's Estimator and Keras log directories, and on
// bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "cairn/core/errors.h"
#include "cairn/formats/events/event_runs.h"
#include "cairn/formats/events/event_writer.h"
#include "cairn/plot/render.h"
#include "plot/png_test_util.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using testing::cairn_command;
using ::testing::HasSubstr;
using testing::run_command;
using testing::shell_quote;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

testing::CommandResult plot(const std::string& args) {
  return run_command(cairn_command("plot " + args));
}

// One Iris model directory for the whole suite: trained 3 x 200 steps with an
// evaluation after each, so "eval" holds three points.
class PlotCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir;
    const std::string data = testing::project_data_dir();
    for (int round = 0; round < 3; ++round) {
      const auto t =
          run_command(cairn_command("train --model-dir " + shell_quote(model_dir()) + " --train " +
                                    shell_quote(data + "/iris_training.csv") +
                                    " --hidden-units 10,10 --steps 200 --batch-size 50 --seed 3"));
      ASSERT_EQ(t.exit_code, 0) << t.err;
      const auto e = run_command(cairn_command("evaluate --model-dir " + shell_quote(model_dir()) +
                                               " --data " + shell_quote(data + "/iris_test.csv")));
      ASSERT_EQ(e.exit_code, 0) << e.err;
    }
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string model_dir() { return tmp_->path() + "/iris"; }
  static std::string out(const std::string& name) { return tmp_->path() + "/" + name; }
  static testing::TempDir* tmp_;
};
testing::TempDir* PlotCommandTest::tmp_ = nullptr;

// The chart `cairn plot` drew, rebuilt from the same events.
Chart chart_of(const std::string& logdir, const std::vector<std::string>& tags) {
  std::vector<PlotRun> runs;
  const std::vector<EventRun> event_runs =
      value_or_throw(read_event_runs(default_file_system(), logdir));
  for (const EventRun& r : event_runs) {
    PlotRun run{.name = r.name};
    for (const ScalarEvent& s : r.scalars) run.scalars.push_back({s.tag, s.step, s.value});
    runs.push_back(run);
  }
  return value_or_throw(build_chart(runs, tags));
}

TEST_F(PlotCommandTest, DrawsTrainAndEvalLossWhereTheirEventsSay) {
  const auto p = plot(shell_quote(model_dir()) + " -o " + shell_quote(out("curves.png")) +
                      " --tags loss,accuracy --smoothing 0");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_THAT(p.out, HasSubstr("2 panel(s) (loss, accuracy), 2 run(s) (., eval)"));
  const Chart chart = chart_of(model_dir(), {"loss", "accuracy"});
  const ChartLayout layout = layout_chart(chart, {.smoothing = 0});
  const std::optional<testing::DecodedPng> png = testing::decode_png(read_bytes(out("curves.png")));
  ASSERT_TRUE(png.has_value());
  ASSERT_EQ(png->width, layout.width);
  ASSERT_EQ(png->height, layout.height);
  const PlotPanel& loss = chart.panels[0];
  ASSERT_EQ(loss.series.size(), 2u);
  ASSERT_EQ(loss.series[1].run, "eval");
  EXPECT_EQ(loss.series[1].points.size(), 3u);  // one per evaluation
  EXPECT_GE(loss.series[0].points.size(), 6u);  // every 100 steps, and the first
  const PanelLayout& panel = layout.panels[0];
  int seen = 0;
  for (size_t s = 0; s < loss.series.size(); ++s) {
    for (const PlotPoint& point : loss.series[s].points) {
      const double x = panel.x_pixel(point.step), y = panel.y_pixel(point.value);
      // Eval is drawn over train: a train point it passes over is hidden.
      if (s == 0 && testing::distance_to_series(loss.series[1], panel, x, y) < 4) continue;
      EXPECT_TRUE(png->near(x, y, run_colour(s)))
          << loss.series[s].run << " at step " << point.step;
      ++seen;
    }
  }
  EXPECT_GE(seen, 6);
  for (const PlotPoint& point : chart.panels[1].series[0].points) {  // accuracy: eval only
    EXPECT_TRUE(png->near(layout.panels[1].x_pixel(point.step),
                          layout.panels[1].y_pixel(point.value), run_colour(1)));
  }
}

TEST_F(PlotCommandTest, SvgAndPdfComeFromTheExtension) {
  ASSERT_EQ(plot(shell_quote(model_dir()) + " -o " + shell_quote(out("curves.svg"))).exit_code, 0);
  EXPECT_THAT(read_bytes(out("curves.svg")), HasSubstr("<svg"));
  ASSERT_EQ(plot(shell_quote(model_dir()) + " -o " + shell_quote(out("curves.PDF"))).exit_code, 0);
  EXPECT_TRUE(read_bytes(out("curves.PDF")).starts_with("%PDF-"));
}

TEST_F(PlotCommandTest, SeveralLogdirsNameEachRunAfterItsLogdir) {
  const std::string copy = out("copy");
  ASSERT_EQ(run_command("cp -r " + shell_quote(model_dir()) + " " + shell_quote(copy)).exit_code,
            0);
  const auto p = plot(shell_quote(model_dir()) + " " + shell_quote(copy + "/") + " -o " +
                      shell_quote(out("both.png")) + " --tags loss");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_THAT(p.out, HasSubstr("4 run(s) (" + model_dir() + ", " + model_dir() + "/eval, " + copy +
                               ", " + copy + "/eval)"));
}

TEST_F(PlotCommandTest, ARunWithoutScalarsIsLeftOutAndOnlyThoseIsAnError) {
  testing::TempDir logs;
  std::unique_ptr<EventWriter> weights =
      value_or_throw(EventWriter::create(default_file_system(), logs.path() + "/weights"));
  throw_if_error(weights->add_histogram("dense/kernel", {0.5, -1, 2}, 10));
  throw_if_error(weights->flush());
  const auto only = plot(shell_quote(logs.path()) + " -o " + shell_quote(out("h.png")));
  EXPECT_EQ(only.exit_code, 1);
  EXPECT_THAT(only.err,
              HasSubstr("NOT_FOUND: no scalar summaries in the event files under " + logs.path()));
  const auto mixed = plot(shell_quote(model_dir()) + " " + shell_quote(logs.path()) + " -o " +
                          shell_quote(out("h.png")));
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_THAT(mixed.out, HasSubstr("2 run(s) (" + model_dir() + ", " + model_dir() + "/eval)"));
  EXPECT_THAT(mixed.err, HasSubstr("left out run " + logs.path() +
                                   "/weights: its event files "
                                   "hold no scalar"));
}

TEST_F(PlotCommandTest, BadInputIsAnErrorNamingWhatWasExpected) {
  const auto tag =
      plot(shell_quote(model_dir()) + " -o " + shell_quote(out("x.png")) + " --tags nope");
  EXPECT_EQ(tag.exit_code, 1);
  EXPECT_THAT(tag.err, HasSubstr("cairn plot: INVALID_ARGUMENT: no run has the tag(s) nope; "
                                 "expected one of: "));
  EXPECT_THAT(tag.err, HasSubstr("loss"));
  const auto extension = plot(shell_quote(model_dir()) + " -o " + shell_quote(out("x.jpg")));
  EXPECT_EQ(extension.exit_code, 1);
  EXPECT_THAT(extension.err, HasSubstr("'.jpg': expected a name ending in .png, .svg or .pdf"));
  testing::TempDir empty;
  const auto none = plot(shell_quote(empty.path()) + " -o " + shell_quote(out("x.png")));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("NOT_FOUND: no event files under " + empty.path()));
  const auto smoothing =
      plot(shell_quote(model_dir()) + " -o " + shell_quote(out("x.png")) + " --smoothing 1");
  EXPECT_EQ(smoothing.exit_code, 1);
  EXPECT_THAT(smoothing.err, HasSubstr("expected a weight in [0, 1)"));
  std::ifstream x(out("x.png"));
  EXPECT_FALSE(x.good()) << "a failed plot left a file";
}

TEST(PlotTensorFlowLogs, EstimatorAndKerasRunsArePlotted) {
  const auto fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  testing::TempDir tmp;
  const auto estimator = plot(shell_quote(*fixtures + "/hishmad-iris-estimator/iris_model") +
                              " -o " + shell_quote(tmp.path() + "/e.png") + " --tags loss");
  ASSERT_EQ(estimator.exit_code, 0) << estimator.err;
  EXPECT_THAT(estimator.out, HasSubstr("(., eval)"));
  // Keras's TensorBoard callback: train/ (with a profile file holding no scalars) and validation/.
  const auto keras = plot(shell_quote(*fixtures + "/titanic-keras-tf21/logs/fit") + " -o " +
                          shell_quote(tmp.path() + "/k.svg"));
  ASSERT_EQ(keras.exit_code, 0) << keras.err;
  EXPECT_THAT(keras.out, HasSubstr("epoch_loss"));
  EXPECT_THAT(keras.out, HasSubstr("/train, "));
  EXPECT_THAT(keras.out, HasSubstr("/validation)"));
}

}  // namespace
}  // namespace cairn
