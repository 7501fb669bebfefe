// EventWriter and the event reader: round trips through MemoryFileSystem,
// the file name and first record TensorFlow writes, TensorFlow/Keras-written
// event files from ../shared/fixtures (record counts and scalar values from
// SOURCES.md), and interop: files we write are read by tfevents.py, an
// independent reader. Fixture and interop tests skip when ../shared is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>

#include "cairn/formats/events/event_reader.h"
#include "cairn/formats/events/event_writer.h"
#include "cairn/formats/events/summary_histogram.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/record_writer.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr double kStart = 1499183295.75;  // a fixed clock: seconds since the epoch

class EventWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventWriter> make_writer(const std::string& suffix = "") {
    auto writer = EventWriter::create(fs_, "/logs/run", suffix, options());
    EXPECT_TRUE(writer.ok()) << writer.status().to_string();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  EventWriterOptions options() {
    return {.clock = [this] { return now_; }, .hostname = "testhost"};
  }

  std::vector<tensorflow::Event> events_of(const EventWriter& writer) {
    auto events = read_events(fs_, writer.path());
    EXPECT_TRUE(events.ok()) << events.status().to_string();
    return events.ok() ? *events : std::vector<tensorflow::Event>{};
  }

  MemoryFileSystem fs_;
  double now_ = kStart;
};

TEST_F(EventWriterTest, FileNameIsTensorFlows) {
  auto writer = make_writer(".v2");
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->path(), "/logs/run/events.out.tfevents.1499183295.testhost.v2");
  EXPECT_TRUE(fs_.file_exists(writer->path()));
}

TEST_F(EventWriterTest, SecondsArePaddedToTenDigits) {
  now_ = 12.9;
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->path(), "/logs/run/events.out.tfevents.0000000012.testhost");
}

TEST_F(EventWriterTest, DefaultsUseSystemClockAndHostName) {
  auto writer = EventWriter::create(fs_, "/logs/default");
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  const std::string prefix = "/logs/default/events.out.tfevents.";
  const std::string& path = (*writer)->path();
  ASSERT_EQ(path.substr(0, prefix.size()), prefix) << path;
  const std::string stamp = path.substr(prefix.size(), 10);
  EXPECT_TRUE(std::all_of(stamp.begin(), stamp.end(), [](char c) { return c >= '0' && c <= '9'; }));
  EXPECT_GT(std::stoll(stamp), 1600000000) << path;  // after 2020
  ASSERT_GT(path.size(), prefix.size() + 11) << path;
  EXPECT_EQ(path[prefix.size() + 10], '.') << path;  // then the host name
}

TEST_F(EventWriterTest, FirstRecordIsFileVersionWithIntegralWallTime) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  auto events = events_of(*writer);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_EQ(events[0].wall_time(), 1499183295.0);
  EXPECT_EQ(events[0].step(), 0);
}

TEST_F(EventWriterTest, EveryKindOfEventRoundTrips) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  now_ = kStart + 1;
  ASSERT_TRUE(writer->add_graph("graph bytes\0", 0).ok());
  ASSERT_TRUE(writer->add_meta_graph("meta graph bytes").ok());
  ASSERT_TRUE(writer->add_session_log(SessionLogStatus::kStart, 5).ok());
  ASSERT_TRUE(writer->add_scalar("loss", 0.25f, 100).ok());
  ASSERT_TRUE(writer->add_histogram("weights", {-1.0, 0.0, 0.5, 2.0}, 100).ok());
  ASSERT_TRUE(
      writer->add_session_log(SessionLogStatus::kCheckpoint, 100, "/m/model.ckpt-100").ok());
  tensorflow::Event custom;
  custom.set_step(7);
  custom.mutable_summary()->add_value()->set_tag("no value");
  ASSERT_TRUE(writer->add_event(custom).ok());
  ASSERT_TRUE(writer->flush().ok());

  auto events = events_of(*writer);
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[1].graph_def(), "graph bytes");
  EXPECT_EQ(events[2].meta_graph_def(), "meta graph bytes");
  EXPECT_EQ(events[3].session_log().status(), tensorflow::SessionLog::START);
  EXPECT_EQ(events[3].step(), 5);
  EXPECT_EQ(events[4].summary().value(0).tag(), "loss");
  EXPECT_EQ(events[4].summary().value(0).simple_value(), 0.25f);
  EXPECT_EQ(events[4].step(), 100);
  EXPECT_EQ(events[5].summary().value(0).histo().num(), 4);
  EXPECT_EQ(events[6].session_log().status(), tensorflow::SessionLog::CHECKPOINT);
  EXPECT_EQ(events[6].session_log().checkpoint_path(), "/m/model.ckpt-100");
  EXPECT_EQ(events[7].step(), 7);
  EXPECT_EQ(events[7].summary().value(0).value_case(), tensorflow::Summary::Value::VALUE_NOT_SET);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_EQ(events[i].wall_time(), kStart + 1) << i;
}

TEST_F(EventWriterTest, ScalarsAreListedInOrder) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  for (int step = 0; step < 5; ++step) {
    ASSERT_TRUE(writer->add_scalar("loss", 1.0f / static_cast<float>(step + 1), step).ok());
    ASSERT_TRUE(writer->add_scalar("accuracy", 0.1f * static_cast<float>(step), step).ok());
  }
  auto scalars = read_scalars(fs_, writer->path());
  ASSERT_TRUE(scalars.ok());
  ASSERT_EQ(scalars->size(), 10u);
  EXPECT_EQ((*scalars)[4].tag, "loss");
  EXPECT_EQ((*scalars)[4].step, 2);
  EXPECT_EQ((*scalars)[4].value, static_cast<double>(1.0f / 3.0f));
  EXPECT_EQ((*scalars)[9].tag, "accuracy");
  EXPECT_EQ((*scalars)[9].value, static_cast<double>(0.4f));
}

TEST_F(EventWriterTest, WriterStartedInTheSameSecondAppends) {
  auto first = make_writer();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->add_scalar("loss", 1.0f, 1).ok());
  ASSERT_TRUE(first->close().ok());
  auto second = make_writer();
  ASSERT_TRUE(second);
  ASSERT_EQ(second->path(), first->path());
  ASSERT_TRUE(second->add_scalar("loss", 0.5f, 2).ok());
  auto events = events_of(*second);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].file_version(), "brain.Event:2");
}

TEST_F(EventWriterTest, ClosedWriterRefusesEvents) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->close().ok());
  EXPECT_FALSE(writer->add_scalar("loss", 1.0f, 1).ok());
}

TEST_F(EventWriterTest, NonFiniteHistogramIsInvalidArgument) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  Status status = writer->add_histogram("w", {1.0, std::nan("")}, 1);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("w: "), std::string::npos) << status.message();
  EXPECT_EQ(events_of(*writer).size(), 1u);
}

TEST_F(EventWriterTest, CorruptOrForeignRecordIsDataLoss) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add_scalar("loss", 1.0f, 1).ok());
  std::string& bytes = *fs_.mutable_contents(writer->path());
  const std::string pristine = bytes;
  bytes[bytes.size() - 6] ^= 0x20;
  EXPECT_EQ(read_events(fs_, writer->path()).status().code(), StatusCode::kDataLoss);
  bytes = pristine;
  append_framed_record(&bytes, "\xff\xff not a proto");
  auto foreign = read_events(fs_, writer->path());
  EXPECT_EQ(foreign.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(foreign.status().message().find("is not an Event proto"), std::string::npos);
}

TEST(EventHistogramTest, DefaultBucketLimitsAreTensorFlows) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  ASSERT_EQ(limits.size(), 1551u);
  EXPECT_TRUE(std::is_sorted(limits.begin(), limits.end()));
  EXPECT_EQ(limits.front(), -DBL_MAX);
  EXPECT_EQ(limits.back(), DBL_MAX);
  EXPECT_EQ(limits[775], 0.0);
  EXPECT_EQ(limits[776], 1e-12);
  EXPECT_DOUBLE_EQ(limits[777], 1.1e-12);
  for (size_t i = 0; i < limits.size(); ++i) EXPECT_EQ(limits[i], -limits[limits.size() - 1 - i]);
}

TEST(EventHistogramTest, CountsAndCollapsesEmptyRuns) {
  auto histo = make_histogram({-1.0, 0.0, 0.5, 0.5, 2.0});
  ASSERT_TRUE(histo.ok());
  EXPECT_EQ(histo->min(), -1.0);
  EXPECT_EQ(histo->max(), 2.0);
  EXPECT_EQ(histo->num(), 5.0);
  EXPECT_EQ(histo->sum(), 2.0);
  EXPECT_EQ(histo->sum_squares(), 5.5);
  ASSERT_EQ(histo->bucket_size(), histo->bucket_limit_size());
  double total = 0;
  for (double c : histo->bucket()) total += c;
  EXPECT_EQ(total, 5.0);
  // Non-empty and empty entries alternate: no two empty runs are adjacent.
  for (int i = 1; i < histo->bucket_size(); ++i) {
    EXPECT_FALSE(histo->bucket(i) == 0 && histo->bucket(i - 1) == 0) << i;
  }
  EXPECT_EQ(histo->bucket_limit(histo->bucket_limit_size() - 1), DBL_MAX);
}

TEST(EventHistogramTest, EmptyInputHasOneBucket) {
  auto histo = make_histogram(std::vector<double>{});
  ASSERT_TRUE(histo.ok());
  EXPECT_EQ(histo->num(), 0.0);
  ASSERT_EQ(histo->bucket_size(), 1);
  EXPECT_EQ(histo->bucket_limit(0), DBL_MAX);
  EXPECT_EQ(histo->bucket(0), 0.0);
}

TEST(EventHistogramTest, ExtremeFiniteValuesStayInRange) {
  auto histo = make_histogram({DBL_MAX, -DBL_MAX, 1e300});
  ASSERT_TRUE(histo.ok());
  EXPECT_EQ(histo->num(), 3.0);
}

// The logarithm's guess finds the bucket a binary search finds, at every
// limit, on both sides of it, and between.
TEST(EventHistogramTest, BucketOfAValueIsTheFirstLimitAboveIt) {
  const std::vector<double>& limits = default_histogram_bucket_limits();
  auto binary_search = [&](double v) {
    return static_cast<size_t>(std::upper_bound(limits.begin(), limits.end() - 1, v) -
                               limits.begin());
  };
  std::vector<double> values = {0.0, -0.0, 5e-324, -5e-324, 1e-13, -1e-13, 0.5, -0.5, 1e300};
  for (double limit : limits) {
    values.push_back(limit);
    values.push_back(std::nextafter(limit, -DBL_MAX));
    values.push_back(std::nextafter(limit, DBL_MAX));
  }
  for (size_t i = 1; i < limits.size() - 2; ++i) values.push_back((limits[i] + limits[i + 1]) / 2);
  for (double v : values) EXPECT_EQ(histogram_bucket(v), binary_search(v)) << v;
  EXPECT_EQ(histogram_bucket(DBL_MAX), limits.size() - 1);
}

TEST(EventHistogramTest, TensorsCountLikeTheirValues) {
  const std::vector<double> values = {-1.5, 0.0, 0.25, 0.25, 3.0};
  auto expected = make_histogram(values);
  ASSERT_TRUE(expected.ok());
  for (DType dtype : {DType::kFloat32, DType::kFloat64, DType::kHalf}) {
    Tensor t(dtype, TensorShape({5}));
    for (size_t i = 0; i < values.size(); ++i) {
      if (dtype == DType::kFloat32) t.flat<float>()[i] = static_cast<float>(values[i]);
      if (dtype == DType::kFloat64) t.flat<double>()[i] = values[i];
      if (dtype == DType::kHalf)
        t.flat<half>()[i] = half::from_float(static_cast<float>(values[i]));
    }
    auto histo = make_histogram(t);
    ASSERT_TRUE(histo.ok()) << dtype_name(dtype);
    EXPECT_EQ(histo->SerializeAsString(), expected->SerializeAsString()) << dtype_name(dtype);
  }
  auto ints = make_histogram(Tensor::from_vector<int32_t>({1, 2, 2}, {3}));
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(ints->num(), 3.0);
  EXPECT_EQ(ints->max(), 2.0);
  Tensor strings(DType::kString, TensorShape({1}));
  EXPECT_EQ(make_histogram(strings).status().code(), StatusCode::kInvalidArgument);
  Tensor nan = Tensor::from_vector<float>({1.0f, std::nanf("")}, {2});
  MemoryFileSystem fs;
  auto writer = EventWriter::create(fs, "/logs");
  ASSERT_TRUE(writer.ok());
  Status bad = (*writer)->add_histogram("dense/kernel", nan, 1);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.to_string().find("dense/kernel"), std::string::npos) << bad.to_string();
}

TEST(EventScalarTensorTest, DecodesFloatAndDoubleScalarsOnly) {
  // TensorProto{dtype: DT_FLOAT, tensor_shape: {}, tensor_content: 1.5f}
  std::string f32("\x08\x01\x12\x00\x22\x04\x00\x00\xc0\x3f", 10);
  EXPECT_EQ(decode_scalar_tensor(f32), 1.5);
  // TensorProto{dtype: DT_FLOAT, float_val: [0.25]} (packed)
  std::string packed("\x08\x01\x2a\x04\x00\x00\x80\x3e", 8);
  EXPECT_EQ(decode_scalar_tensor(packed), 0.25);
  // DT_DOUBLE, double_val [2.0]
  std::string f64("\x08\x02\x32\x08\x00\x00\x00\x00\x00\x00\x00\x40", 12);
  EXPECT_EQ(decode_scalar_tensor(f64), 2.0);
  // DT_STRING scalar, and a float of shape [1]
  EXPECT_FALSE(decode_scalar_tensor(std::string("\x08\x07\x42\x01x", 5)));
  EXPECT_FALSE(decode_scalar_tensor(
      std::string("\x08\x01\x12\x04\x12\x02\x08\x01\x2a\x04\x00\x00\x80\x3e", 14)));
  EXPECT_FALSE(decode_scalar_tensor("\xff\xff\xff"));
}

// ---- Event files written by TensorFlow and Keras -------------------------

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
