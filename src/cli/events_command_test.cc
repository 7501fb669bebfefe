// `cairn events` on files cairn writes and on TensorFlow's (../shared/fixtures:
// an Estimator's train and eval runs, Keras' .v2 train/validation runs in
// directories with spaces and parentheses, TF 2.x scalar tensors, a
// graph-only log); values checked against tfevents.py, an independent reader.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cairn/formats/events/event_writer.h"
#include "cairn/keras/callbacks/tensorboard.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

testing::CommandResult events(const std::string& logdir, const std::string& flags = "") {
  return run_command(cairn_command("events " + shell_quote(logdir) + " " + flags));
}

void write_run(const std::string& dir, const std::vector<std::pair<int64_t, float>>& losses,
               bool with_histogram) {
  auto writer = EventWriter::create(default_file_system(), dir, "",
                                    {.clock = [] { return 1700000000.5; }, .hostname = "h"});
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  for (auto [step, loss] : losses) ASSERT_TRUE((*writer)->add_scalar("loss", loss, step).ok());
  if (with_histogram) {
    ASSERT_TRUE((*writer)->add_histogram("dense/kernel", {-1.0, 0.5, 2.0, 2.5}, 20).ok());
  }
  ASSERT_TRUE((*writer)->close().ok());
}

class EventsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_run(tmp_.path() + "/logs", {{10, 0.75f}, {20, 0.5f}}, true);
    write_run(tmp_.path() + "/logs/eval", {{20, 0.625f}}, false);
  }
  std::string logdir() const { return tmp_.path() + "/logs"; }

  testing::TempDir tmp_;
};

TEST_F(EventsCommandTest, ListingShowsEveryPointPerRunAndTag) {
  auto r = events(logdir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("run .  (1 event file)\n  loss  (scalar, 2 points, steps 10..20)\n"
                       "    step 10  2023-11-14T22:13:20.500Z  0.75\n"
                       "    step 20  2023-11-14T22:13:20.500Z  0.5\n"
                       "  dense/kernel  (histogram, 1 point, steps 20..20)\n"
                       "    step 20  2023-11-14T22:13:20.500Z  count 4  min -1  max 2.5  mean 1"),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("run eval  (1 event file)\n  loss  (scalar, 1 point, steps 20..20)\n"),
            std::string::npos)
      << r.out;
}

TEST_F(EventsCommandTest, TagsGiveKindPointsAndSteps) {
  auto r = events(logdir(), "--tags");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "run   tag           kind       points  first step  last step\n"
            ".     loss          scalar     2       10          20\n"
            ".     dense/kernel  histogram  1       20          20\n"
            "eval  loss          scalar     1       20          20\n");
  auto csv = events(logdir(), "--tags --csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out,
            "run,tag,kind,points,first_step,last_step\n.,loss,scalar,2,10,20\n"
            ".,dense/kernel,histogram,1,20,20\neval,loss,scalar,1,20,20\n");
}

TEST_F(EventsCommandTest, CsvHasOneRowPerPointWithItsKind) {
  auto r = events(logdir(), "--csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "run,tag,step,wall_time,value,kind,count,min,max,mean,stddev\n"
            ".,loss,10,1700000000.500000,0.75,scalar,,,,,\n"
            ".,loss,20,1700000000.500000,0.5,scalar,,,,,\n"
            ".,dense/kernel,20,1700000000.500000,,histogram,4,-1,2.5,1,1.3693063937629153\n"
            "eval,loss,20,1700000000.500000,0.625,scalar,,,,,\n");
}

TEST_F(EventsCommandTest, JsonHoldsScalarsAndHistogramSummaries) {
  auto r = events(logdir(), "--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(r.out);
  ASSERT_EQ(doc["runs"].size(), 2u);
  EXPECT_EQ(doc["runs"][0]["name"], ".");
  EXPECT_EQ(doc["runs"][0]["scalars"]["loss"][1],
            json({{"step", 20}, {"wall_time", 1700000000.5}, {"value", 0.5}}));
  const json& h = doc["runs"][0]["histograms"]["dense/kernel"][0];
  EXPECT_EQ(h["count"], 4.0);
  EXPECT_EQ(h["min"], -1.0);
  EXPECT_EQ(h["max"], 2.5);
  EXPECT_EQ(h["buckets"].size(), 4u);
  EXPECT_EQ(doc["runs"][1]["scalars"]["loss"][0]["value"], 0.625);
  auto tags = events(logdir(), "--tags --json");
  ASSERT_EQ(tags.exit_code, 0) << tags.err;
  EXPECT_EQ(json::parse(tags.out)["runs"][1]["tags"][0], json({{"tag", "loss"},
                                                               {"kind", "scalar"},
                                                               {"points", 1},
                                                               {"first_step", 20},
                                                               {"last_step", 20}}));
}

TEST_F(EventsCommandTest, MissingEmptyAndConflictingFlags) {
  auto missing = events(tmp_.path() + "/nowhere");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cairn events: NOT_FOUND: "), std::string::npos) << missing.err;
  ASSERT_TRUE(default_file_system().create_directories(tmp_.path() + "/empty").ok());
  auto empty = events(tmp_.path() + "/empty");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("no event file"), std::string::npos) << empty.err;
  EXPECT_NE(events(logdir(), "--csv --json").exit_code, 0);
}

// ---- What cairn's trainers write ------------------------------------------

TEST(EventsOfCairnTrainersTest, EstimatorLossAndWeightHistograms) {
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/iris";
  auto train = run_command(cairn_command("train --model-dir " + shell_quote(dir) + " --train " +
                                         shell_quote(testing::project_data_dir()) +
                                         "/iris_training.csv --hidden-units 10,10 --steps 100"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  auto r = events(dir, "--tags");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(".    loss                      scalar     2       1           100\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(".    dnn/hiddenlayer_0/kernel  histogram  2       1           100\n"),
            std::string::npos)
      << r.out;
  auto listing = events(dir);
  EXPECT_NE(listing.out.find("  dnn/logits/kernel  (histogram, 2 points, steps 1..100)\n"
                             "    step 1  "),
            std::string::npos)
      << listing.out;
  EXPECT_NE(listing.out.find("count 30  min "), std::string::npos) << listing.out;  // 10 x 3
}

TEST(EventsOfCairnTrainersTest, KerasWeightHistograms) {
  testing::TempDir tmp;
  auto [x, y] = keras::testing::blobs(30, 3);
  keras::Sequential model = keras::testing::small_classifier();
  model.fit(x, y,
            {.epochs = 2,
             .validation_split = 0.2,
             .callbacks = {std::make_shared<keras::TensorBoard>(
                 tmp.path() + "/logs", keras::TensorBoardOptions{.histogram_freq = 1})},
             .verbose = 0});
  auto r = events(tmp.path() + "/logs", "--tags --csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const nn::Variable* w : model.weights()) {
    EXPECT_NE(r.out.find("\ntrain," + w->name + "_0,histogram,2,0,1\n"), std::string::npos)
        << r.out;
  }
  EXPECT_NE(r.out.find("\nvalidation,epoch_loss,scalar,2,0,1\n"), std::string::npos) << r.out;
}

// ---- TensorFlow's event files ----------------------------------------------

class EventsFixtureCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixtures = testing::fixtures_dir();
    auto tools = testing::tools_dir();
    if (!fixtures || !tools) GTEST_SKIP() << testing::kNoSharedMessage;
    fixtures_ = *fixtures;
    tools_ = *tools;
  }

  json events_json(const std::string& relative) {
    auto r = events(fixtures_ + "/" + relative, "--json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }

  // Every scalar of one event file by (tag, step), as tfevents.py reads it.
  std::map<std::pair<std::string, int64_t>, float> independent_scalars(const std::string& file) {
    if (!testing::python_has_modules("crc32c")) return {};
    auto r = run_command("/usr/bin/python3 " + shell_quote(tools_ + "/tfevents.py") + " " +
                         shell_quote(fixtures_ + "/" + file) + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::map<std::pair<std::string, int64_t>, float> out;
    for (const json& event : json::parse(r.out)) {
      for (const json& v : event["values"]) {
        if (v["value"].is_number()) out[{v["tag"], event["step"]}] = v["value"].get<float>();
      }
    }
    return out;
  }

  // Our --json scalars of `run` agree with tfevents.py on every point.
  void expect_same_scalars(const json& run, const std::string& file, size_t expected_points) {
    auto independent = independent_scalars(file);
    if (independent.empty()) GTEST_SKIP() << "python3-crc32c is not installed";
    size_t points = 0;
    for (const auto& [tag, series] : run["scalars"].items()) {
      for (const json& p : series) {
        ++points;
        auto it = independent.find({tag, p["step"].get<int64_t>()});
        ASSERT_NE(it, independent.end()) << tag << " " << p["step"];
        EXPECT_EQ(p["value"].get<float>(), it->second) << tag << " " << p["step"];
      }
    }
    EXPECT_EQ(points, expected_points);
    EXPECT_EQ(independent.size(), expected_points);
  }

  std::string fixtures_, tools_;
};

TEST_F(EventsFixtureCommandTest, IrisEstimatorRunsAgreeWithAnIndependentReader) {
  json doc = events_json("hishmad-iris-estimator/iris_model");
  ASSERT_EQ(doc["runs"].size(), 2u);
  EXPECT_EQ(doc["runs"][0]["name"], ".");
  EXPECT_EQ(doc["runs"][1]["name"], "eval");
  EXPECT_EQ(doc["runs"][0]["histograms"].size(), 4u);
  EXPECT_EQ(doc["runs"][0]["histograms"]["dnn/logits_activation"].size(), 20u);
  expect_same_scalars(doc["runs"][0],
                      "hishmad-iris-estimator/iris_model/"
                      "events.out.tfevents.1499183295.Hishmads-MacBook-Pro.local",
                      20 * 5 + 19);
  expect_same_scalars(doc["runs"][1],
                      "hishmad-iris-estimator/iris_model/eval/"
                      "events.out.tfevents.1499183303.Hishmads-MacBook-Pro.local",
                      3);
}

TEST_F(EventsFixtureCommandTest, KerasRunsInDirectoriesWithSpacesAndParentheses) {
  const std::string run = "fit/lr=0.0001 dense (70, 25) drop (0.15, 0.2) 1587780173";
  json doc = events_json("titanic-keras-tf21/logs");
  ASSERT_EQ(doc["runs"].size(), 2u);
  EXPECT_EQ(doc["runs"][0]["name"], run + "/train");
  EXPECT_EQ(doc["runs"][1]["name"], run + "/validation");
  expect_same_scalars(
      doc["runs"][1],
      "titanic-keras-tf21/logs/" + run +
          "/validation/events.out.tfevents.1587780175.DESKTOP-BGTASHQ.25920.1341.v2",
      300);
  auto csv = events(fixtures_ + "/titanic-keras-tf21/logs", "--csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\n\"" + run + "/validation\",epoch_loss,149,"), std::string::npos);
  std::istringstream lines(csv.out);
  size_t rows = 0;
  for (std::string line; std::getline(lines, line);) ++rows;
  EXPECT_EQ(rows, 1u + 4 * 150);
}

TEST_F(EventsFixtureCommandTest, TensorFlow2ScalarTensorsAndAGraphOnlyLog) {
  json doc = events_json("go-tensorboard-tfevents");
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& metric = doc["runs"][0]["scalars"]["my_metric"];
  ASSERT_EQ(metric.size(), 100u);
  for (int step = 0; step < 100; ++step) EXPECT_EQ(metric[step]["value"], 0.5 * step);
  auto graph_only = events(fixtures_ + "/tf-guide-checkpoints-james/logs");
  EXPECT_EQ(graph_only.exit_code, 0) << graph_only.err;
  EXPECT_EQ(graph_only.out, "run .  (1 event file; no scalar or histogram)\n");
}

}  // namespace
}  // namespace cairn
