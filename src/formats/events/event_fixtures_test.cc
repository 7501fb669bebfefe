// The event reader on TensorFlow/Keras-written event files from
// ../shared/fixtures (record counts and scalar values from SOURCES.md), and
// interop: files we write are read by tfevents.py, an independent reader.
// Both skip when ../shared is absent.
#include <gtest/gtest.h>

#include <map>

#include "cairn/formats/events/event_reader.h"
#include "cairn/formats/events/event_writer.h"
#include "cairn/formats/events/summary_histogram.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

class EventFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::fixtures_dir();
    if (!dir) GTEST_SKIP() << testing::kNoSharedMessage;
    dir_ = *dir;
  }

  std::vector<tensorflow::Event> read(const std::string& relative) {
    auto events = read_events(default_file_system(), dir_ + "/" + relative);
    EXPECT_TRUE(events.ok()) << events.status().to_string();
    return events.ok() ? *events : std::vector<tensorflow::Event>{};
  }

  // Scalars of one tag, by step.
  static std::map<int64_t, double> series(const std::vector<tensorflow::Event>& events,
                                          const std::string& tag) {
    std::map<int64_t, double> out;
    for (const ScalarEvent& s : list_scalars(events)) {
      if (s.tag == tag) out[s.step] = s.value;
    }
    return out;
  }

  static std::map<tensorflow::Event::WhatCase, int> kinds(
      const std::vector<tensorflow::Event>& events) {
    std::map<tensorflow::Event::WhatCase, int> out;
    for (const auto& e : events) ++out[e.what_case()];
    return out;
  }

  std::string dir_;
};

constexpr const char* kIrisTrain =
    "hishmad-iris-estimator/iris_model/events.out.tfevents.1499183295.Hishmads-MacBook-Pro.local";
constexpr const char* kIrisEval =
    "hishmad-iris-estimator/iris_model/eval/"
    "events.out.tfevents.1499183303.Hishmads-MacBook-Pro.local";
constexpr const char* kTitanicLogs =
    "titanic-keras-tf21/logs/fit/lr=0.0001 dense (70, 25) drop (0.15, 0.2) 1587780173/";

TEST_F(EventFixtureTest, IrisEstimatorTrainEvents) {
  auto events = read(kIrisTrain);
  ASSERT_EQ(events.size(), 47u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  auto k = kinds(events);
  EXPECT_EQ(k[tensorflow::Event::kGraphDef], 2);
  EXPECT_EQ(k[tensorflow::Event::kMetaGraphDef], 2);
  EXPECT_EQ(k[tensorflow::Event::kSessionLog], 3);
  EXPECT_EQ(k[tensorflow::Event::kSummary], 39);
  auto loss = series(events, "loss");
  ASSERT_EQ(loss.size(), 20u);
  EXPECT_NEAR(loss[6001], 0.0090276, 1e-7);
  EXPECT_NEAR(loss[7901], 0.0047042, 1e-7);
  auto speed = series(events, "global_step/sec");
  ASSERT_EQ(speed.size(), 19u);
  EXPECT_EQ(speed.begin()->first, 6101);
  EXPECT_EQ(speed.rbegin()->first, 7901);
  EXPECT_EQ(series(events, "dnn/hiddenlayer_0_fraction_of_zero_values").size(), 20u);
  EXPECT_EQ(series(events, "dnn/logits_fraction_of_zero_values").size(), 20u);
}

// TF 1.0's histograms use the bucket limits we write (bit for bit).
TEST_F(EventFixtureTest, IrisHistogramsUseTheDefaultBucketLimits) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  std::map<std::string, int> per_tag;
  for (const auto& event : read(kIrisTrain)) {
    for (const auto& v : event.summary().value()) {
      if (!v.has_histo()) continue;
      ++per_tag[v.tag()];
      for (double limit : v.histo().bucket_limit()) {
        EXPECT_TRUE(std::binary_search(limits.begin(), limits.end(), limit)) << limit;
      }
    }
  }
  EXPECT_EQ(per_tag.size(), 4u);
  for (const char* tag : {"dnn/hiddenlayer_0_activation", "dnn/hiddenlayer_1_activation",
                          "dnn/hiddenlayer_2_activation", "dnn/logits_activation"}) {
    EXPECT_EQ(per_tag[tag], 20) << tag;
  }
}

TEST_F(EventFixtureTest, IrisEstimatorEvalEvents) {
  auto events = read(kIrisEval);
  ASSERT_EQ(events.size(), 4u);
  auto k = kinds(events);
  EXPECT_EQ(k[tensorflow::Event::kFileVersion], 1);
  EXPECT_EQ(k[tensorflow::Event::kGraphDef], 1);
  EXPECT_EQ(k[tensorflow::Event::kMetaGraphDef], 1);
  EXPECT_EQ(k[tensorflow::Event::kSummary], 1);
  EXPECT_FLOAT_EQ(static_cast<float>(series(events, "accuracy")[8000]), 0.96666664f);
  EXPECT_FLOAT_EQ(static_cast<float>(series(events, "auc")[8000]), 0.97444445f);
  EXPECT_FLOAT_EQ(static_cast<float>(series(events, "loss")[8000]), 0.29923457f);
  // The `global_step` value carries a tag and no value at all.
  bool found = false;
  for (const auto& event : events) {
    for (const auto& v : event.summary().value()) {
      if (v.tag() != "global_step") continue;
      found = true;
      EXPECT_EQ(v.value_case(), tensorflow::Summary::Value::VALUE_NOT_SET);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(series(events, "global_step").empty());
}

TEST_F(EventFixtureTest, TensorFlow2ScalarTensors) {
  auto events = read(
      "go-tensorboard-tfevents/testdata/tfevents/"
      "events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2");
  ASSERT_EQ(events.size(), 101u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  const auto& first = events[1].summary().value(0);
  EXPECT_EQ(first.tag(), "my_metric");
  EXPECT_EQ(first.metadata().plugin_data().plugin_name(), "scalars");
  EXPECT_TRUE(first.has_tensor());
  auto metric = series(events, "my_metric");
  ASSERT_EQ(metric.size(), 100u);
  for (int step = 0; step < 100; ++step) EXPECT_EQ(metric[step], 0.5 * step) << step;
}

TEST_F(EventFixtureTest, KerasTrainAndValidationEvents) {
  auto train = read(std::string(kTitanicLogs) +
                    "train/events.out.tfevents.1587780175.DESKTOP-BGTASHQ.25920.319.v2");
  ASSERT_EQ(train.size(), 304u);
  auto loss = series(train, "epoch_loss");
  ASSERT_EQ(loss.size(), 150u);
  EXPECT_EQ(loss.begin()->first, 0);
  EXPECT_EQ(loss.rbegin()->first, 149);
  EXPECT_NEAR(loss[0], 0.8787701, 1e-7);
  EXPECT_NEAR(loss[149], 0.4083959, 1e-7);
  EXPECT_EQ(series(train, "epoch_accuracy").size(), 150u);
  EXPECT_TRUE(series(train, "keras").empty());  // a DT_STRING tensor, not a scalar

  auto validation = read(std::string(kTitanicLogs) +
                         "validation/events.out.tfevents.1587780175.DESKTOP-BGTASHQ.25920.1341.v2");
  ASSERT_EQ(validation.size(), 301u);
  auto val_loss = series(validation, "epoch_loss");
  auto val_accuracy = series(validation, "epoch_accuracy");
  ASSERT_EQ(val_loss.size(), 150u);
  ASSERT_EQ(val_accuracy.size(), 150u);
  EXPECT_NEAR(val_loss[0], 0.8710046, 1e-7);
  EXPECT_NEAR(val_loss[149], 0.3696543, 1e-7);
  EXPECT_NEAR(val_accuracy[0], 0.6368715, 1e-7);
  EXPECT_NEAR(val_accuracy[149], 0.8379888, 1e-7);
}

TEST_F(EventFixtureTest, ProfileEmptyFileHoldsOnlyFileVersion) {
  std::string path = std::string(kTitanicLogs) +
                     "train/events.out.tfevents.1587780175.DESKTOP-BGTASHQ.profile-empty";
  auto size = default_file_system().file_size(dir_ + "/" + path);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 40u);
  auto events = read(path);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
}

// ---- Interop: an independent reader accepts what we write ----------------

TEST(EventInteropTest, TfeventsPyReadsOurScalars) {
  auto tools = testing::tools_dir();
  if (!tools) GTEST_SKIP() << testing::kNoSharedMessage;
  if (!testing::python_has_modules("crc32c")) GTEST_SKIP() << "python3-crc32c is not installed";
  testing::TempDir dir;
  auto writer = EventWriter::create(default_file_system(), dir.path() + "/logs");
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  ASSERT_TRUE((*writer)->add_graph("not really a graph").ok());
  for (int step = 0; step < 3; ++step) {
    ASSERT_TRUE((*writer)->add_scalar("loss", 2.5f - static_cast<float>(step), step * 100).ok());
  }
  ASSERT_TRUE((*writer)->add_histogram("weights", {0.5, 1.5}, 200).ok());
  ASSERT_TRUE((*writer)->close().ok());

  auto run =
      testing::run_command("/usr/bin/python3 " + testing::shell_quote(*tools + "/tfevents.py") +
                           " " + testing::shell_quote((*writer)->path()) + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("\"file_version\": \"brain.Event:2\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"graph_def\": true"), std::string::npos) << run.out;
  for (
      const char* expected :
      {R"("step": 0, "file_version": null, "values": [{"tag": "loss", "value": 2.5, "kind": "simple_value"}])",
       R"("step": 100, "file_version": null, "values": [{"tag": "loss", "value": 1.5, "kind": "simple_value"}])",
       R"("step": 200, "file_version": null, "values": [{"tag": "loss", "value": 0.5, "kind": "simple_value"}])",
       R"("values": [{"tag": "weights", "value": null, "kind": "histo"}])"}) {
    EXPECT_NE(run.out.find(expected), std::string::npos) << expected << "\n" << run.out;
  }
}

}  // namespace
}  // namespace cairn
